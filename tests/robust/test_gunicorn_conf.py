"""gunicorn.conf.py's worker hook: once a worker has loaded the app, the collector leaves what
the app made alone (gc.freeze), so a full collection does not stop the worker's threads to walk
the whole loaded app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, runpy, sys
conf = runpy.run_path(sys.argv[1])
import wsgi  # the app, loaded as a worker loads it
before = gc.get_freeze_count()
conf["post_worker_init"](None)
after = gc.get_freeze_count()
print(before, after, len(gc.get_objects(generation=2)))
"""


def test_a_worker_freezes_the_loaded_app(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "MODELRISK_DATABASE": str(tmp_path / "probe.db"),
        "MODELRISK_INSTANCE_PATH": str(tmp_path / "instance"),
        "MODELRISK_SECRET_KEY": "probe-secret",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    before, after, left = map(int, done.stdout.split())
    assert before == 0
    assert after > 50_000  # the loaded app: modules, content, schemas
    assert left < after / 10  # what a full collection still walks
