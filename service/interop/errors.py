"""The one error an import raises: the document cannot be read, with the fields that say why."""

from __future__ import annotations


class PrefillError(ValueError):
    """An imported document is unreadable or over a bound; `errors` lists {field, message}."""

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
        self.errors = errors


def fail(field: str, message: str) -> PrefillError:
    """A PrefillError for one field, to raise."""
    return PrefillError([{"field": field, "message": message}])
