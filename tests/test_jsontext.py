"""JSON the service writes (service.jsontext) and Flask's provider over it: the same JSON as
the standard library and Flask's own provider gave, encoded by orjson."""

from __future__ import annotations

import dataclasses
import datetime
import json
import uuid

import pytest
from flask.json.provider import DefaultJSONProvider
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from service import JSONProvider, create_app, jsontext

# What a result or a response holds: text (any Unicode a body may carry), numbers, nesting.
_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(exclude_categories=("Cs",)))
)
documents = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=40,
)


@given(documents)
def test_encode_reads_back_as_the_same_values(data):
    text = jsontext.encode(data)
    assert json.loads(text) == data  # every float back exactly, as the standard library's
    if "e-0" not in json.dumps(data):  # 1e-06 there, 1e-6 here: the one difference of text
        assert text == json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def test_keys_are_sorted_when_asked_and_non_text_keys_written_as_text():
    assert jsontext.encode({"b": 1, "a": 2}, sort_keys=True) == '{"a":2,"b":1}'
    assert jsontext.encode({1: "x", None: "y"}) == '{"1":"x","null":"y"}'


def test_what_json_cannot_hold_is_refused():
    with pytest.raises(TypeError):
        jsontext.encode({"n": 2**64})
    with pytest.raises(TypeError):
        jsontext.encode({"when": datetime.date(2026, 1, 1)})  # no default: as json.dumps


@dataclasses.dataclass
class Point:
    x: int


@pytest.fixture(scope="module")
def providers(tmp_path_factory):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path_factory.mktemp("j") / "db")})
    assert isinstance(app.json, JSONProvider)
    return app.json, DefaultJSONProvider(app)


def test_the_provider_writes_what_flasks_own_wrote(providers):
    ours, flasks = providers
    data = {
        "z": "Zürich ✓",
        "when": datetime.datetime(2026, 12, 2, 13, 5, tzinfo=datetime.UTC),
        "day": datetime.date(2026, 12, 2),
        "id": uuid.UUID(int=7),
        "point": Point(3),
        "html": Markup("<b>x</b>"),
        "a": [1, 2.5, None, True],
    }
    assert json.loads(ours.dumps(data)) == json.loads(flasks.dumps(data))
    assert list(json.loads(ours.dumps(data))) == sorted(data)  # keys sorted, as Flask sorts


def test_the_provider_response_is_compact_utf8_json(providers):
    ours, _ = providers
    with ours._app.app_context():
        response = ours.response({"b": "é", "a": 1})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"a":1,"b":"é"}\n'.encode()
