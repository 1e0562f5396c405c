"""Cross-checks that keep answers consistent with each other and with `unknown`.

An answer's severity never exceeds the item's (which `unknown` carries) and never falls as its
risk rises; an answer that means "not done" blocks wherever `unknown` does; a context value that
counts as another is listed wherever rules list that other.
"""

from __future__ import annotations

from .model import SEVERITIES, UNKNOWN, Condition, ContentError, Context, Item, Policy, leaves

COMPARISONS = ("eq", "ne", "in", "not_in")


def _fail(message: str):
    raise ContentError(message)


def context(fname: str, ctx: Context) -> None:
    """`counts_as` names another value of the same field."""
    for name, field in ctx.fields.items():
        values = {o.value for o in field.options}
        for i, option in enumerate(field.options):
            if option.counts_as and (
                option.counts_as not in values or option.counts_as == option.value
            ):
                _fail(
                    f"{fname}: field {name}: options[{i}].counts_as: '{option.counts_as}' is "
                    f"not another value of {name}"
                )


def items(checklists, ctx: Context, items_by_id: dict[str, Item]) -> None:
    """Every item's answers, and every rule that compares answers or context values."""
    for cl in checklists.values():
        for item in cl.items:
            where = f"checklists/{cl.domain}.yaml: item {item.id}:"
            _levels(where, item)
            _absent_blocks(where, item)
            for i, rule in enumerate(item.blocker_when):
                for cond in leaves(rule.when):
                    _answers_alike(f"{where} field blocker_when[{i}]", cond, items_by_id, item.id)
            for path, conds in item.rule_groups():
                for cond in leaves(conds):
                    _counted_values(f"{where} field {path}", cond, ctx)


def _level(item: Item, option) -> int:
    return SEVERITIES.index(option.severity or item.severity)


def _levels(where: str, item: Item) -> None:
    base = SEVERITIES.index(item.severity)
    risky = []
    for i, option in enumerate(item.options):
        here = f"{where} field options[{i}]"
        if option.risk == 0:
            for attr, what in (("severity", "severity"), ("remediation", "remediation")):
                if getattr(option, attr):
                    _fail(f"{here}.{attr}: '{option.value}' carries no risk, so no {what}")
            if option.absent:
                _fail(f"{here}.absent: an answer that means 'not done' must carry risk")
            if option.in_place:
                _fail(f"{here}.in_place: '{option.value}' carries no risk, so nothing is left")
            continue
        if option.in_place and option.absent:
            _fail(f"{here}.in_place: an answer cannot say both 'in place' and 'not done'")
        if _level(item, option) > base:
            _fail(
                f"{here}.severity: '{option.severity}' is above the item's severity "
                f"'{item.severity}', which 'unknown' carries"
            )
        risky.append((option.risk, _level(item, option), i, option))
    for risk, level, i, _ in risky:
        for other_risk, other_level, _, other in risky:
            if other_risk < risk and other_level > level:
                _fail(
                    f"{where} field options[{i}].severity: '{SEVERITIES[level]}' is below "
                    f"'{SEVERITIES[other_level]}' of the less risky answer '{other.value}'"
                )
    if risky and max(level for _, level, _, _ in risky) < base:
        _fail(
            f"{where} field severity: '{item.severity}' is above the severity of every answer; "
            f"the worst answer carries the item's severity"
        )


def _absent_blocks(where: str, item: Item) -> None:
    for i, option in enumerate(item.options):
        if not option.absent:
            continue
        for j, rule in enumerate(item.blocker_when):
            # A rule that names this item's own answers decides by value: _answers_alike.
            if any(c.field == f"answers.{item.id}" for c in leaves(rule.when)):
                continue
            if option.risk < rule.min_risk:
                _fail(
                    f"{where} field options[{i}].absent: '{option.value}' means 'not done' but "
                    f"its risk {option.risk:g} is below blocker_when[{j}].min_risk "
                    f"{rule.min_risk:g}, so it would not block where 'unknown' does"
                )


def _answers_alike(where: str, cond: Condition, items_by_id: dict[str, Item], own: str) -> None:
    """A rule on an answer lists `unknown` and the "not done" answers all or none; a rule on
    another item's answer also lists its riskiest answers with them, since an unknown answer
    there may be the worst one. (An item's own blocker may single out a known conflict.)"""
    if not cond.field.startswith("answers.") or cond.op not in COMPARISONS:
        return
    target = items_by_id[cond.field.split(".", 1)[1]]
    worst = max((o.risk for o in target.options), default=0)
    alike = {UNKNOWN} | {
        o.value for o in target.options if o.absent or (target.id != own and o.risk == worst)
    }
    listed = set(cond.value if isinstance(cond.value, tuple) else (cond.value,)) & alike
    if listed and listed != alike:
        _fail(
            f"{where}: lists '{sorted(listed)[0]}' of {target.id} but not "
            f"'{sorted(alike - listed)[0]}'; 'unknown' and answers that mean 'not done' "
            f"must count alike"
        )


def _counted_values(where: str, cond: Condition, ctx: Context) -> None:
    """Where a rule lists a context value, it lists every value that counts as it."""
    if not cond.field.startswith("deployment.") or cond.ref or cond.op not in COMPARISONS:
        return
    field = ctx.fields.get(cond.field.split(".", 1)[1])
    if field is None:
        return
    listed = set(cond.value if isinstance(cond.value, tuple) else (cond.value,))
    for option in field.options:
        if option.counts_as in listed and option.value not in listed:
            _fail(
                f"{where}: lists '{option.counts_as}' but not '{option.value}', which counts "
                f"as {option.counts_as} (checklists/context.yaml)"
            )


def unknown_is_riskiest(fname: str, policy: Policy, items_by_id: dict[str, Item]) -> None:
    """`unknown` and a missing answer count at least as risky as any explicit answer."""
    risk, option, item = 0.0, None, None
    for candidate in items_by_id.values():  # the first riskiest answer, in content order
        for o in candidate.options:
            if o.risk > risk:
                risk, option, item = o.risk, o.value, candidate.id
    for key in ("unknown_risk", "unanswered_risk"):
        value = getattr(policy, key)
        if value < risk:
            _fail(
                f"{fname}: field {key}: {value:g} is below the risk {risk:g} of answer "
                f"'{option}' of {item}; an unknown or missing answer must count at least as "
                f"risky as any answer"
            )
