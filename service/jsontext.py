"""JSON text the service writes for others to read: its responses and its stored documents.

Encoded by orjson: compact and UTF-8, each number read back as the value it was (a small
float's exponent is written 1e-6 where the standard library writes 1e-06). A document the
service hashes is not written here: `engine.canonical` (the input hash) and the audit chain
keep the standard library's bytes, which their stored hashes were made over. Request bodies
are read by the standard library too (`api.base.json_body`), which keeps a string holding an
unpaired surrogate for validation to name instead of refusing the body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

# Dates and dataclasses go to `default` (as with the standard library) instead of orjson's
# own renderings, so a caller decides how they read; keys that are not strings are written
# as strings, as the standard library writes them.
_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def encode(data: Any, *, sort_keys: bool = False, default: Callable | None = None) -> str:
    """`data` as compact JSON text; TypeError for what JSON cannot hold (an integer past 64
    bits, an object `default` does not turn into JSON)."""
    option = _OPTIONS | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    return orjson.dumps(data, default=default, option=option).decode()
