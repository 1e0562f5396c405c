"""Page 1, the decision page: what is decided, why, what is due first, and who signs."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from .flow import DecisionBand, Writer
from .layout import FRAME_HEIGHT, FRAME_WIDTH, MUTED
from .text import markup

# (reasons, actions) shown, most first: the first pair whose page fits is used.
FITS = ((6, 5), (5, 5), (5, 4), (4, 4), (4, 3), (3, 3), (3, 2), (2, 2), (2, 1), (1, 1))
REVIEWS_SHOWN = 4  # the latest reviews on the decision page; Appendix C has them all


def decision_page(report: dict, w: Writer) -> list:
    """Every flowable of the decision page, which ends with the sign-off block.

    The page is one page: when the reasons and actions would push the sign-off over, fewer
    are listed (the rest counted in "and N more", all of them in the sections after). Each
    paragraph is made and measured once; only the counts are tried.
    """
    d = report["decision"]
    head = _head(d, w)
    why_head, why = _reasons(d["reasons"], w)
    act_head, act = _actions(d["actions"], w)
    tail = [w.p("The proposal", "h2"), w.p(d["use_case"], "small")] if d["use_case"] else []
    tail += signoff_block(report["signoff"], w)
    fixed = _height(head + why_head + act_head + tail)
    why_heights, act_heights = [_height([p]) for p in why], [_height([p]) for p in act]
    for shown_why, shown_act in FITS:
        why_more = _more(d["reasons"], shown_why, "sections 1 and 4", w)
        act_more = _more(d["actions"], shown_act, "section 2", w)
        total = fixed + sum(why_heights[:shown_why]) + sum(act_heights[:shown_act])
        if total + _height(why_more + act_more) <= FRAME_HEIGHT:
            break
    return [
        *head,
        *why_head,
        *why[:shown_why],
        *why_more,
        *act_head,
        *act[:shown_act],
        *act_more,
        *tail,
    ]


def _height(flow: list) -> float:
    """The height the flowables take in the frame, spacing included."""
    total = 0.0
    for f in flow:
        total += f.wrap(FRAME_WIDTH, FRAME_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _head(d: dict, w: Writer) -> list:
    model = d["model"]
    version = f"version {model['version']}" if model["version"] else None
    licence = model["license_name"] or "licence not stated"
    line = " \u00b7 ".join(x for x in (model["name"], version, model["publisher"], licence) if x)
    policy = d["policy"]
    status = d["status"] or "not recorded"
    if d["risk_acceptance"]:
        status += ", risk accepted"
    detail = f"Review status: {status} \u00b7 policy {policy['id']} {policy['version']}"
    return [
        w.p("modelrisk \u00b7 AI model risk report \u00b7 decision", "kicker"),
        w.p(d["title"], "title"),
        w.p(line, "model_line"),
        DecisionBand(d["rating"], d["score"], d["decision_label"], detail, FRAME_WIDTH),
        w.p(_facts(d), "facts"),
        *([w.p(model["departures"], "facts")] if model.get("departures") else []),
        *_acceptance(d["risk_acceptance"], w),
    ]


def _more(listed: dict, shown: int, where: str, w: Writer) -> list:
    """The "and N more" line under a list of which `shown` items are printed, if any are not."""
    more = listed["more"] + max(0, len(listed["items"]) - shown)
    return [w.p(f"and {more} more ({where})", "more")] if more else []


def _facts(d: dict) -> str:
    model = d["model"]["id"] or "not in the catalogue"
    parts = [
        f"Assessment {d['assessment_id']}, revision {d['revision']}",
        f"model {model}",
        f"submitted {d['created_at'] or 'date not recorded'}"
        + (f" by {d['submitted_by']}" if d["submitted_by"] else ""),
    ]
    if d["requester"]:
        parts.append(f"requested by {d['requester']}")
    if d["expires_at"]:
        parts.append(f"approval valid until {d['expires_at']}")
    return "; ".join(parts) + "."


def _acceptance(accepted: dict | None, w: Writer) -> list:
    """The line that says a reviewer approved against the engine's reject decision, and why."""
    if not accepted:
        return []
    text = f"Risk accepted by {accepted['by']} on {accepted['date']}: {accepted['justification']}"
    return [w.p(text, "acceptance")]


def _reasons(reasons: dict, w: Writer) -> tuple[list, list]:
    """The heading (and note) of the reasons, and one paragraph per reason."""
    title = "Why" if reasons["recorded"] else "Why: blockers and worst risky findings"
    head = [w.p(title, "h2")]
    if not reasons["recorded"]:
        head.append(
            w.p(
                "This result was stored before the engine recorded the reasons for its rating; "
                "its blockers and worst risky findings are listed instead.",
                "muted",
            )
        )
    if not reasons["items"]:
        head.append(w.p("No blocker and no risky finding.", "reason", bulletText="\u2022"))
    return head, [w.p(r["text"], "reason", bulletText="\u2022") for r in reasons["items"]]


def _actions(actions: dict, w: Writer) -> tuple[list, list]:
    """The heading of the first actions, and one numbered paragraph per action."""
    head = [w.p(actions["title"], "h2")]
    if not actions["items"]:
        none = "Nothing is due before go-live." if actions["dated"] else "No condition."
        return head + [w.p(none, "small")], []
    muted = "#" + MUTED.hexval()[2:]
    items = []
    for n, c in enumerate(actions["items"], 1):
        label = markup(f"{c['item']}" + (" (blocker)" if c["blocker"] else ""), w.fonts)
        built = f'<font color="{muted}">{label}</font>  {markup(c["text"], w.fonts)}'
        items.append(w.raw(built, "reason", bulletText=f"{n}."))
    return head, items


def signoff_block(s: dict, w: Writer) -> list:
    """The roles that sign, with room for a date and a signature, then the reviews so far."""
    rows = [[r["role"], r["name"] or "", "", ""] for r in s["roles"]]
    table = w.table(
        ["Role", "Name", "Date", "Signature"],
        rows,
        [28 * mm, 56 * mm, 28 * mm, FRAME_WIDTH - 112 * mm],
        heights=[None] + [9 * mm] * len(rows),
    )
    flow = [w.p("Sign-off", "h2"), w.p(s["statement"], "muted"), Spacer(1, 1.5 * mm), table]
    if s["reviews"]:
        flow.append(w.p("Reviews recorded", "h3"))
        earlier = len(s["reviews"]) - REVIEWS_SHOWN
        if earlier > 0:
            flow.append(w.p(f"{earlier} earlier, in Appendix C; the latest:", "muted"))
        for r in s["reviews"][-REVIEWS_SHOWN:]:
            text = (
                f"Revision {r['revision']}: {r['decision_label']} by {r['reviewer']} on {r['date']}"
            )
            if r["accept_risk"]:
                text += " (risk accepted)"
            flow.append(w.p(text + (f": {r['excerpt']}" if r["excerpt"] else ""), "small"))
    else:
        flow.append(w.p("No review is recorded yet.", "muted"))
    return flow
