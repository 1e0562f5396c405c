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

from service import JSONProvider, jsontext

# What a result or a response holds: text (any, unpaired surrogates too, as a stored body's
# free-form parts may carry them), integers of any size, floats, nesting.
_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
documents = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=40,
)


@given(documents)
def test_encode_reads_back_as_the_same_values_and_can_always_be_sent(data):
    text = jsontext.encode(data)
    assert json.loads(text) == data  # every float back exactly, as the standard library's
    text.encode("utf-8")  # an unpaired surrogate is escaped, never written raw


@pytest.mark.parametrize(
    "data",
    [
        {"n": 2**70},  # past 64 bits
        {"deep": json.loads("[" * 300 + "]" * 300)},  # past orjson's 254 levels
        {"text": "a\ud800b"},  # an unpaired surrogate
    ],
    ids=["big-integer", "deep", "surrogate"],
)
def test_what_orjson_refuses_is_written_by_the_standard_library(data):
    assert jsontext.encode(data) == json.dumps(data, separators=(",", ":"))


def test_plain_documents_are_written_by_orjson():
    data = {"b": [1, 2.5, None, True], "a": "Zürich"}
    assert jsontext.encode(data) == '{"b":[1,2.5,null,true],"a":"Zürich"}'  # UTF-8, as given


def test_keys_are_sorted_when_asked_and_non_text_keys_written_as_text():
    assert jsontext.encode({"b": 1, "a": 2}, sort_keys=True) == '{"a":2,"b":1}'
    assert jsontext.encode({1: "x", None: "y"}) == '{"1":"x","null":"y"}'


def test_what_json_cannot_hold_is_refused():
    with pytest.raises(TypeError):
        jsontext.encode({"when": datetime.date(2026, 1, 1)})  # no default: as json.dumps


@dataclasses.dataclass
class Point:
    x: int


@pytest.fixture
def providers(app):
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


def test_another_layout_is_flasks_own(providers):
    ours, flasks = providers
    data = {"b": {"z": 1, "y": "é"}, "a": [1, 2]}
    for layout in ({"indent": 2, "sort_keys": False}, {"separators": (", ", ": ")}):
        assert ours.dumps(data, **layout) == flasks.dumps(data, **layout)
    assert ours.dumps(data, sort_keys=False) == '{"b":{"z":1,"y":"é"},"a":[1,2]}'


def test_the_provider_response_is_compact_utf8_json(providers):
    ours, _ = providers
    with ours._app.app_context():
        response = ours.response({"b": "é", "a": 1})
    assert response.mimetype == "application/json"
    assert response.get_data() == '{"a":1,"b":"é"}\n'.encode()
