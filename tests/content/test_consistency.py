"""Every shipped item: answer severities, 'not done' answers and unknown, option remediation."""

from __future__ import annotations

import pytest

from service.content.model import SEVERITIES, UNKNOWN, Item
from service.engine import rules
from tests.support.bodies import real_content

ITEMS = sorted(real_content().items.values(), key=lambda i: i.id)
IDS = [i.id for i in ITEMS]


def level(severity: str | None) -> int:
    return SEVERITIES.index(severity)


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_every_answer_with_risk_names_its_severity_and_none_other_does(item: Item):
    for option in item.options:
        if option.risk > 0:
            assert option.severity, f"{item.id} {option.value}: no severity written"
        else:
            assert option.severity is None and item.answer_severity(option.value) is None


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_unknown_is_at_least_as_severe_as_any_answer_and_the_worst_is_the_base(item: Item):
    risky = [o for o in item.options if o.risk > 0]
    assert item.answer_severity(UNKNOWN) == item.severity
    assert item.answer_severity(None) == item.severity
    assert all(level(o.severity) <= level(item.severity) for o in risky), item.id
    worst = max(o.risk for o in risky)
    assert any(o.severity == item.severity for o in risky if o.risk == worst), item.id


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_severity_never_falls_as_the_risk_of_an_answer_rises(item: Item):
    risky = sorted((o for o in item.options if o.risk > 0), key=lambda o: o.risk)
    for lower, higher in zip(risky, risky[1:], strict=False):
        if lower.risk < higher.risk:
            assert level(lower.severity) <= level(higher.severity), (item.id, higher.value)


@pytest.mark.parametrize("policy", sorted(real_content().policies))
def test_unknown_and_no_answer_are_at_least_as_risky_as_any_answer(policy):
    pol = real_content().policies[policy]
    top = max(o.risk for item in ITEMS for o in item.options)
    assert pol.unknown_risk >= top and pol.unanswered_risk >= top


def _own(item: Item, rule) -> list:
    """The conditions of a blocker rule that read this item's own answer."""
    return [c for c in rule.when if not c.any and c.field == f"answers.{item.id}"]


def _blocks(item: Item, rule, value, risk, sets) -> bool:
    """Whether the rule blocks this answer, all else equal: its risk and any self-condition."""
    own = _own(item, rule)
    return risk >= rule.min_risk and rules.holds(own, {"answers": {item.id: value}}, sets)


BLOCKING = [i for i in ITEMS if i.blocker_when]


@pytest.mark.parametrize("item", BLOCKING, ids=[i.id for i in BLOCKING])
@pytest.mark.parametrize("policy", sorted(real_content().policies))
def test_answers_that_mean_not_done_block_exactly_where_unknown_does(item: Item, policy):
    content = real_content()
    sets = content.context.country_sets
    unknown_risk = content.policies[policy].unknown_risk
    for option in (o for o in item.options if o.absent):
        for rule in item.blocker_when:
            assert _blocks(item, rule, option.value, option.risk, sets) == _blocks(
                item, rule, UNKNOWN, unknown_risk, sets
            ), (item.id, option.value, rule.reason)


def _flat(conds):
    for cond in conds:
        if cond.any:
            for group in cond.any:
                yield from _flat(group)
        else:
            yield cond


def _answer_conditions():
    for item in ITEMS:
        for rule in item.blocker_when:
            for cond in _flat(rule.when):
                if cond.field.startswith("answers."):
                    yield item.id, cond


@pytest.mark.parametrize("owner, cond", list(_answer_conditions()))
def test_rules_on_other_answers_treat_not_done_like_unknown(owner, cond):
    content = real_content()
    target = content.items[cond.field.split(".", 1)[1]]
    sets = content.context.country_sets
    verdict = rules.holds([cond], {"answers": {target.id: UNKNOWN}}, sets)
    for option in (o for o in target.options if o.absent):
        ctx = {"answers": {target.id: option.value}}
        assert rules.holds([cond], ctx, sets) == verdict, (owner, target.id, option.value)


def test_the_jailbreak_answers_of_issue_11_agree():
    mis06 = real_content().items["MIS-06"]
    not_measured = mis06.option("not_measured")
    assert not_measured.absent
    assert all(not_measured.risk >= rule.min_risk for rule in mis06.blocker_when)


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_an_answer_written_remediation_differs_from_the_items_and_fits_a_risky_answer(item):
    for option in item.options:
        if option.remediation:
            assert option.risk > 0, (item.id, option.value)
            assert option.remediation != item.remediation, (item.id, option.value)
            assert len(option.remediation.split()) >= 5, (item.id, option.value)
        assert item.answer_remediation(option.value) == (option.remediation or item.remediation)
    assert item.answer_remediation(UNKNOWN) == item.remediation


@pytest.mark.parametrize(
    "item, answer, wrong",
    [
        # A Llama deployment under its cap is not told to change licence.
        ("LIC-02", "permitted_with_conditions", "Choose a variant"),
        # Legal review is not demanded again after legal accepted the terms.
        ("LIC-14", "accepted_by_legal", "Have legal review"),
        ("LIC-26", "custom_accepted", "Have legal read"),
        ("LIC-20", "risk_accepted", "Decide between"),
        ("SEC-20", "documented", "Write a runbook"),
    ],
)
def test_remediation_is_written_for_the_answer_given(item, answer, wrong):
    found = real_content().items[item]
    assert wrong in found.remediation
    assert wrong not in found.answer_remediation(answer)


def test_a_partial_answer_sits_a_band_below_the_worst_where_the_reference_says_so():
    items = real_content().items
    for item, partial in [("SEC-13", "partial"), ("SEC-10", "partial"), ("MNT-08", "partial")]:
        base = level(items[item].severity)
        assert level(items[item].answer_severity(partial)) == base - 1, item
