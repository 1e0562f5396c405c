"""Where an assessment states a catalogue model's facts differently from the catalogue.

The catalogue's licence, lineage, publisher, publisher country and modalities of a model are
facts every derived answer rests on. A body that names the model by its catalogue id and states
one of them otherwise departs from the catalogue: the departure counts only with the model's
justification, and is then on the record (result, condition, decision reason). Without one the
catalogue's facts stand. Name, version, source and weights format describe the deployed copy,
not facts of the catalogue's, and are not departures.

Pure: content in, plain data out.
"""

from __future__ import annotations

from ..content.model import CatalogueModel, Content

# The model fields that restate a catalogue fact, in the order the result lists them.
FACT_FIELDS = ("license", "base_models", "publisher", "publisher_country", "modality")


def same_name(a: str, b: str) -> bool:
    """Two publisher names are the same when they differ only in case and spacing."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _normal(content: Content, field: str, value):
    """A value as it compares with the catalogue's: a licence by its id, base models as the set
    of their catalogue ids (case as the catalogue spells it), modalities as a set."""
    if field == "license":
        lic = content.license(value)
        return lic.id if lic else value
    if field == "base_models":
        return frozenset((content.model(m).id if content.model(m) else m) for m in value)
    if field == "modality":
        return frozenset(value)
    return value


def departures(content: Content, entry: CatalogueModel | None, given: dict) -> list[dict]:
    """Each fact field the body states otherwise than the catalogue entry of its model:
    {field, catalogue, given}. None outside the catalogue: there is nothing to depart from."""
    if entry is None:
        return []
    out = []
    for field in FACT_FIELDS:
        stated, held = given.get(field), entry.facts.get(field)
        if stated in (None, "", []) or held is None:
            continue  # nothing stated, or nothing the catalogue holds to depart from
        if field == "publisher" and same_name(stated, held):
            continue
        if _normal(content, field, stated) != _normal(content, field, held):
            out.append({"field": field, "catalogue": held, "given": stated})
    return out


def stated(entry: CatalogueModel | None, given: dict, found: list[dict]) -> dict:
    """The model fields the body states that count. For a catalogue model, a fact field only
    where it departs and the departure is justified: else the catalogue's own value stands."""
    given = {k: v for k, v in given.items() if k != "justification"}
    if entry is None:
        return given  # the body describes the model: every fact is its own
    kept = {d["field"] for d in found}
    return {k: v for k, v in given.items() if k not in FACT_FIELDS or k in kept}
