"""Evaluate declarative rule conditions against a context; pure; data is never run as code."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .content.model import Condition

_MISSING = object()
_ORDER = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
_TEMPLATE = re.compile(r"\{([a-z]+)\.([A-Za-z0-9_\-]+)\}")


def lookup(ctx: Mapping[str, Mapping[str, Any]], path: str) -> Any:
    """The value at `scope.key`, or _MISSING when the scope or the key is absent or None."""
    scope, key = path.split(".", 1)
    value = (ctx.get(scope) or {}).get(key, _MISSING)
    return _MISSING if value is None else value


def holds(conds: Iterable[Condition], ctx, sets: Mapping[str, frozenset[str]]) -> bool:
    """True when every condition holds (an empty list holds)."""
    return all(_one(c, ctx, sets) for c in conds)


Check = Callable[[Mapping, Mapping], bool]


def compile_all(conds: Iterable[Condition]) -> Check:
    """The same test as `holds`, turned once into a closure for the engine's hot path."""
    checks = tuple(_compile(c) for c in conds)
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda ctx, sets: first(ctx, sets) and second(ctx, sets)

    def every(ctx, sets):  # a plain loop: all() over a generator costs more than the checks
        for check in checks:  # noqa: SIM110
            if not check(ctx, sets):
                return False
        return True

    return every


def _always(ctx, sets) -> bool:
    return True


def _compile(cond: Condition) -> Check:
    if cond.any:
        groups = tuple(compile_all(group) for group in cond.any)

        def some(ctx, sets):  # a plain loop, as in compile_all
            for group in groups:  # noqa: SIM110
                if group(ctx, sets):
                    return True
            return False

        return some
    scope, key = cond.field.split(".", 1)
    op, value = cond.op, cond.value
    if op == "exists":
        want = bool(value)
        return lambda ctx, sets: ((ctx.get(scope) or {}).get(key) is not None) is want
    if cond.ref:
        ref_scope, ref_key = cond.ref.split(".", 1)

        def check_ref(ctx, sets):
            actual = (ctx.get(scope) or {}).get(key)
            expected = (ctx.get(ref_scope) or {}).get(ref_key)
            return (
                actual is not None and expected is not None and _compare(op, actual, expected, sets)
            )

        return check_ref
    if op == "eq" and value is not None:
        return lambda ctx, sets: (ctx.get(scope) or {}).get(key, _MISSING) == value
    if op == "in" and None not in value:
        return lambda ctx, sets: (ctx.get(scope) or {}).get(key, _MISSING) in value

    def check(ctx, sets):
        actual = (ctx.get(scope) or {}).get(key)
        return actual is not None and _compare(op, actual, value, sets)

    return check


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
    return _TEMPLATE.sub(lambda m: _shown(lookup(ctx, f"{m.group(1)}.{m.group(2)}")), template)


def compile_fill(
    template: str, fixed: Mapping[str, Mapping] | None = None
) -> Callable[[Mapping], str]:
    """The same text as `fill(template, ctx)`, with the template parsed once.

    Placeholders whose scope is in `fixed` are filled now from it, for contexts whose value of
    that scope is the same (a licence's facts, say); the others are looked up in each ctx.
    """
    parts = _TEMPLATE.split(template)  # literal, scope, key, literal, ..., literal
    fixed = fixed or {}
    literals, places = [parts[0]], []
    for scope, key, literal in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        if scope in fixed:
            found = (fixed[scope] or {}).get(key, _MISSING)
            literals[-1] += _shown(_MISSING if found is None else found) + literal
        else:
            places.append((scope, key))
            literals.append(literal)
    head = literals[0]
    if not places:
        return lambda ctx: head
    if len(places) == 1:
        (scope, key), tail = places[0], literals[1]

        def filled_one(ctx) -> str:
            found = (ctx.get(scope) or {}).get(key, _MISSING)
            return head + _shown(_MISSING if found is None else found) + tail

        return filled_one
    pairs = tuple(zip(places, literals[1:], strict=True))

    def filled(ctx) -> str:
        out = [head]
        for (scope, key), literal in pairs:
            found = (ctx.get(scope) or {}).get(key, _MISSING)
            out.append(_shown(_MISSING if found is None else found))
            out.append(literal)
        return "".join(out)

    return filled


def _shown(found) -> str:
    """A context value as template text: numbers with thousands separators, lists joined."""
    if found is _MISSING:
        return "(not stated)"
    if isinstance(found, int) and not isinstance(found, bool):
        return f"{found:,}"
    if isinstance(found, list | tuple):
        return ", ".join(map(str, found))
    return str(found)
