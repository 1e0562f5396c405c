"""Map a declared licence (SPDX id or expression, Hub licence name, `other` + name) to the
knowledge base, saying what could not be mapped instead of guessing."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from license_expression import ExpressionError, get_spdx_licensing

from ..content.model import Content

HUB_OTHER = "other"  # the Hub's licence tag for a custom licence named in `license_name`
FIELD = "model.license"


@dataclass
class Licence:
    """A declared licence read against the knowledge base."""

    declared: str | None = None
    spdx: bool = False  # every part is an SPDX licence id
    custom: bool = False  # declared, but not as SPDX ids
    text: bool = False  # the licence text or a link to it came with the declaration
    mapped: str | None = None  # the one knowledge-base licence it names, when there is one
    found: list[str] = field(default_factory=list)  # every knowledge-base licence it names
    warnings: list[dict] = field(default_factory=list)


@functools.cache
def _licensing():
    """The SPDX licence index of license-expression, loaded once."""
    return get_spdx_licensing()


def from_declarations(content: Content, declared: list[str], text: bool) -> Licence:
    """Read one or more declared licences (expressions, ids or names) into one Licence."""
    declared = [d.strip() for d in declared if isinstance(d, str) and d.strip()]
    if not declared:
        return Licence(text=text)
    readings = [_read(content, d) for d in declared]
    out = Licence(
        declared=" AND ".join(declared) if len(declared) > 1 else declared[0],
        spdx=all(r[1] for r in readings),
        text=text,
    )
    out.custom = not out.spdx
    choice = any(r[2] for r in readings)
    for found, _spdx, _choice, missing in readings:
        out.found += [f for f in found if f not in out.found]
        out.warnings += [_unknown(m) for m in missing]
    _settle(out, choice)
    return out


def from_hub(content: Content, license_tag, license_name, text: bool) -> Licence:
    """Read a model card's `license` (a Hub tag or SPDX id) and `license_name` for `other`."""
    if isinstance(license_tag, list):  # the Hub takes one tag; a list means all of them apply
        return from_declarations(content, [str(t) for t in license_tag], text)
    if license_tag is None or license_tag == "":
        return Licence(text=text)
    tag = str(license_tag).strip()
    if tag.lower() != HUB_OTHER:
        return from_declarations(content, [tag], text)
    name = str(license_name).strip() if license_name else ""
    if not name:
        out = Licence(declared=HUB_OTHER, custom=True, text=text)
        out.warnings.append(
            {
                "field": FIELD,
                "message": "the card's licence is 'other' without a license_name; "
                "state the model's licence by hand",
            }
        )
        return out
    lic = content.license(name)
    out = Licence(declared=name, custom=True, text=text)
    if lic:
        out.found, out.mapped = [lic.id], lic.id
    else:
        out.warnings.append(_unknown(name))
    return out


def _read(content: Content, text: str) -> tuple[list[str], bool, bool, list[str]]:
    """(knowledge-base ids, all SPDX, offers a choice, names not in the knowledge base)."""
    spdx, keys, choice = _spdx(text)
    direct = content.license(text)
    if direct:  # an id or alias of the knowledge base, such as llama3.1 or gemma
        return [direct.id], spdx, False, []
    if keys is None:
        return [], False, False, [text]
    found, missing = [], []
    for key in keys:
        lic = content.license(key)
        if lic:
            found.append(lic.id)
        else:
            missing.append(key)
    return found, spdx, choice, missing


def _spdx(text: str) -> tuple[bool, list[str] | None, bool]:
    """(every key is an SPDX id, the licence keys, an OR in it); keys None when unparsable."""
    licensing = _licensing()
    try:
        expression = licensing.parse(text, validate=False)
    except (ExpressionError, AttributeError, TypeError, ValueError):
        # license-expression can raise AttributeError on a dangling operator ("MIT AND")
        return False, None, False
    if expression is None:
        return False, None, False
    keys = licensing.license_keys(expression)
    unknown = licensing.unknown_license_keys(expression)
    spdx = bool(keys) and not unknown and not any(k.startswith("LicenseRef-") for k in keys)
    return spdx, keys, " OR " in str(expression)


def _settle(out: Licence, choice: bool) -> None:
    """Map to one licence only when the declaration names exactly one and offers no choice."""
    if out.warnings:
        return
    if choice and len(out.found) > 1:
        out.warnings.append(
            {
                "field": FIELD,
                "message": f"'{out.declared}' offers a choice of licences "
                f"({', '.join(out.found)}); state the one the organisation accepts",
            }
        )
    elif len(out.found) > 1:
        out.warnings.append(
            {
                "field": FIELD,
                "message": f"'{out.declared}' names several licences ({', '.join(out.found)}) "
                "that all apply; state the governing one and review the others with it",
            }
        )
    elif out.found:
        out.mapped = out.found[0]


def _unknown(name: str) -> dict:
    return {
        "field": FIELD,
        "message": f"licence '{name}' is not in the knowledge base (see /api/v1/licenses); "
        "state the model's licence by hand",
    }
