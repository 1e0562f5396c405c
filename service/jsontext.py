"""JSON text the service writes for others to read: its responses and its stored documents.

Encoded by orjson: compact and UTF-8, each number read back as the value it was (a small
float's exponent is written 1e-6 where the standard library writes 1e-06). What orjson refuses
and the standard library writes (an integer past 64 bits, nesting past 254 levels, a string
holding an unpaired surrogate, all of which a stored body's free-form parts may carry) is
written by the standard library instead, with non-ASCII text escaped so that it can always be
sent. A form whose hash is worked out again from its values (`engine.canonical`, the input
hash; the audit chain) is not written here: it keeps the standard library's bytes, which its
stored hashes were made over. Request bodies are read by the standard library too
(`api.base.json_body`), which keeps a string holding an unpaired surrogate for validation to
name instead of refusing the body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

# Dates and dataclasses go to `default` (as with the standard library) instead of orjson's
# own renderings, so a caller decides how they read; keys that are not strings are written
# as strings, as the standard library writes them.
COMPACT = (",", ":")  # the separators it writes, whichever encoder writes them
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def encode(data: Any, *, sort_keys: bool = False, default: Callable | None = None) -> str:
    """`data` as compact JSON text; TypeError for an object that `default` does not turn into
    JSON. A float that is not a number is written as null (JSON has no such number), or as
    NaN / Infinity where the standard library takes over, as it always wrote them."""
    option = _OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    try:
        return orjson.dumps(data, default=default, option=option).decode()
    except orjson.JSONEncodeError:
        return json.dumps(data, separators=COMPACT, sort_keys=sort_keys, default=default)
