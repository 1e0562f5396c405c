"""Settings are declared once (service/config.py), documented in README and read from there."""

from __future__ import annotations

import re

from service import config
from tests.support.bodies import ROOT
from tests.support.imports import SERVICE

FLASK_OWN = {"TESTING", "DEBUG"}


def test_readme_configuration_table_is_generated_from_the_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert config.markdown_table() in readme, "regenerate README's table: config.markdown_table()"


def test_every_setting_the_code_reads_is_declared():
    read = set()
    for path in [*SERVICE.rglob("*.py"), ROOT / "gunicorn.conf.py"]:
        text = path.read_text(encoding="utf-8")
        read |= set(re.findall(r"config\[\"([A-Z_]+)\"\]", text))
        read |= set(re.findall(r"config\.get\(\"([A-Z_]+)\"", text))
        read |= set(re.findall(r"from_environment\(\"([A-Z_]+)\"", text))
    declared = set(config.BY_NAME) | set(config.FIXED) | FLASK_OWN | {"API_SPEC_OPTIONS"}
    assert read - declared == set()
    unused = {name for name in config.BY_NAME if name not in read} - {"MAX_CONTENT_LENGTH"}
    assert unused <= {"SESSION_COOKIE_SECURE", "INSTANCE_PATH"}  # read by Flask itself


def test_precedence_is_test_config_then_environment_then_default(make_app, monkeypatch):
    assert make_app().config["API_RATE_WINDOW"] == 60
    monkeypatch.setenv("MODELRISK_API_RATE_WINDOW", "120")
    assert make_app().config["API_RATE_WINDOW"] == 120
    assert make_app(API_RATE_WINDOW=5).config["API_RATE_WINDOW"] == 5


def test_the_instance_folder_and_its_key_go_where_the_setting_says(tmp_path, make_app):
    app = make_app(INSTANCE_PATH=str(tmp_path / "elsewhere"), SECRET_KEY=None)
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "secret_key").read_text().strip() == app.config["SECRET_KEY"]
    again = make_app(INSTANCE_PATH=str(tmp_path / "elsewhere"), SECRET_KEY=None)
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]
