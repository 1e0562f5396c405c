"""What an importer read from a document, before it is turned into a draft."""

from __future__ import annotations

from dataclasses import dataclass, field

from .files import Listing
from .licences import Licence


@dataclass
class Found:
    """Facts read from a model card or an ML-BOM, and where each kind of fact came from."""

    source: str
    repo_id: str | None = None
    name: str | None = None
    version: str | None = None
    publisher: str | None = None
    source_url: str | None = None
    task: str | None = None
    licence: Licence = field(default_factory=Licence)
    base_models: list[str] = field(default_factory=list)
    relation: str | None = None
    listing: Listing | None = None
    listing_complete: bool = False  # a complete listing lets absence count as evidence
    auto_map: bool = False
    bom: bool = False
    bom_digests: bool = False
    model_card: bool = False
    gated: bool = False
    warnings: list[dict] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)

    def origin(self, fact: str, where: str) -> None:
        """Record where a kind of fact was read (the first place wins)."""
        self.origins.setdefault(fact, where)

    def warn(self, field_name: str, message: str) -> None:
        """Add a warning about a field the draft leaves for the assessor."""
        self.warnings.append({"field": field_name, "message": message})
