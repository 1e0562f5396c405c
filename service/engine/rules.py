"""Evaluate declarative rule conditions against a context; pure; data is never run as code."""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..content.model import Condition

_MISSING = object()
_ORDER = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
# {scope.key}, or {scope.key.part} for one part of a fact that is a mapping (a licence's
# acceptable_use.url); rules themselves compare whole facts only.
_TEMPLATE = re.compile(r"\{([a-z]+)\.([A-Za-z0-9_\-]+)(?:\.([A-Za-z0-9_\-]+))?\}")


def lookup(ctx: Mapping[str, Mapping[str, Any]], path: str) -> Any:
    """The value at `scope.key`, or _MISSING when the scope or the key is absent or None."""
    scope, key = path.split(".", 1)
    value = (ctx.get(scope) or {}).get(key, _MISSING)
    return _MISSING if value is None else value


def holds(conds: Iterable[Condition], ctx, sets: Mapping[str, frozenset[str]]) -> bool:
    """True when every condition holds (an empty list holds)."""
    return all(_one(c, ctx, sets) for c in conds)


def _one(cond: Condition, ctx, sets) -> bool:
    if cond.any:
        return any(holds(group, ctx, sets) for group in cond.any)
    actual = lookup(ctx, cond.field)
    if cond.op == "exists":
        return (actual is not _MISSING) == bool(cond.value)
    expected = lookup(ctx, cond.ref) if cond.ref else cond.value
    if actual is _MISSING or expected is _MISSING:
        return False
    return _compare(cond.op, actual, expected, sets)


def _compare(op: str, actual, expected, sets) -> bool:
    if op in _ORDER:
        ok = _numbers(actual, expected)
        return ok and _ORDER[op](actual, expected)
    if op == "eq":
        return actual == expected
    if op == "ne":
        return actual != expected
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    items = actual if isinstance(actual, list | tuple | set | frozenset) else (actual,)
    if op == "contains":
        return expected in items
    if op == "contains_any":
        return any(v in items for v in expected)
    members = sets.get(expected, frozenset())
    if op == "in_set":
        return str(actual).upper() in members
    if op == "not_in_set":
        return str(actual).upper() not in members
    if op == "intersects_set":
        return any(_region_meets(str(v).upper(), expected, members, sets) for v in items)
    raise ValueError(f"unknown operator {op!r}")


def _region_meets(region: str, name: str, members: frozenset[str], sets) -> bool:
    """A country in the set, the set's own name, or another named region sharing a country."""
    return region in members or region == name or bool(sets.get(region, frozenset()) & members)


def _numbers(*values) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def fill(template: str, ctx) -> str:
    """Replace {scope.key} placeholders with context values; nothing else is interpreted."""
    return _TEMPLATE.sub(
        lambda m: _shown(_part(lookup(ctx, f"{m.group(1)}.{m.group(2)}"), m.group(3))), template
    )


def _part(found, key: str | None):
    """One part of a mapping value, when the placeholder names one."""
    if key is None or found is _MISSING:
        return found
    value = found.get(key) if isinstance(found, Mapping) else None
    return _MISSING if value is None else value


def _shown(found) -> str:
    """A context value as template text: numbers with thousands separators, lists joined."""
    if found is _MISSING:
        return "(not stated)"
    if isinstance(found, int) and not isinstance(found, bool):
        return f"{found:,}"
    if isinstance(found, list | tuple):
        return ", ".join(map(str, found))
    return str(found)
