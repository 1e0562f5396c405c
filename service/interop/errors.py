"""The one error interop raises: a document or value cannot be used, and the fields why."""

from __future__ import annotations


class InteropError(ValueError):
    """A document or value is unreadable, invalid or too large; `errors` lists {field, message}."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


def fail(field: str, message: str) -> InteropError:
    """An InteropError for one field, to raise."""
    return InteropError([{"field": field, "message": message}])
