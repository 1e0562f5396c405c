"""PDF fonts: vendored DejaVu for Latin, Greek and Cyrillic; system fallbacks for the rest."""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from .. import config

log = logging.getLogger(__name__)

VENDORED = Path(__file__).resolve().parent.parent / "fonts"
DEVANAGARI = range(0x0900, 0x0980)
MAIN = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
ITALIC = "DejaVuSans-Oblique"
# Fallbacks in the order they are tried: (registered name, file name, subfont index).
# Debian: fonts-wqy-microhei (Chinese, Japanese kana, Hangul), fonts-lohit-deva (Devanagari).
FALLBACKS = (
    ("WenQuanYiMicroHei", "wqy-microhei.ttc", 0),
    ("LohitDevanagari", "Lohit-Devanagari.ttf", None),
)


@cache
def _register_main() -> frozenset[int]:
    """Register the vendored DejaVu family once per process; return the code points it covers."""
    for name in (MAIN, BOLD, ITALIC):
        pdfmetrics.registerFont(TTFont(name, str(VENDORED / f"{name}.ttf")))
    for bold, italic, name in ((0, 0, MAIN), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD)):
        addMapping(MAIN, bold, italic, name)
    return frozenset(pdfmetrics.getFont(MAIN).face.charToGlyph)


_REGISTERED: dict[str, str] = {}  # registered font name -> file it was loaded from


@cache
def _register_fallback(name: str, path: str, subfont: int | None) -> tuple[str, frozenset[int]]:
    """Register one fallback font; return its name (unique per file) and the code points."""
    if _REGISTERED.setdefault(name, path) != path:
        name = f"{name}-{len(_REGISTERED)}"
        _REGISTERED[name] = path
    kwargs = {"subfontIndex": subfont} if subfont is not None else {}
    font = TTFont(name, path, **kwargs)
    pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)


def _find(font_dir: Path, filename: str) -> Path | None:
    """The first file called `filename` under `font_dir`, searched in a stable order."""
    if not font_dir.is_dir():
        return None
    direct = font_dir / filename
    if direct.is_file():
        return direct
    return next(iter(sorted(font_dir.rglob(filename))), None)


def resolve_font_dir(font_dir: str | os.PathLike | None = None) -> Path:
    """The fallback font directory: the argument (the app's FONT_DIR), else the setting as the
    environment or its default gives it (service.config)."""
    return Path(font_dir or config.from_environment("FONT_DIR"))


def resolve_shaping(shaping: bool | None = None) -> bool:
    """Shape Devanagari: the argument (the app's PDF_SHAPING), else the setting as the
    environment or its default gives it; off by default.

    Shaped text looks right but extracts worse (copy, search), and it needs the optional
    uharfbuzz package (reportlab[shaping]); without it the report is rendered unshaped.
    """
    if shaping is None:
        shaping = config.from_environment("PDF_SHAPING")
    if isinstance(shaping, str):
        shaping = shaping.lower() in ("1", "true", "yes")
    if shaping and importlib.util.find_spec("uharfbuzz") is None:
        log.warning(
            "PDF shaping asked for, but uharfbuzz is not installed "
            "(pip install 'reportlab[shaping]'): Devanagari is rendered unshaped"
        )
        return False
    return bool(shaping)


@cache
def _fallbacks(font_dir: Path) -> tuple[tuple[str, frozenset[int]], ...]:
    found = []
    for name, filename, subfont in FALLBACKS:
        path = _find(font_dir, filename)
        if path is None:
            log.info("fallback font %s not found under %s", filename, font_dir)
            continue
        try:
            found.append(_register_fallback(name, str(path), subfont))
        except Exception as exc:  # a broken or CFF-outlined font must not stop the report
            log.warning("fallback font %s could not be loaded: %s", path, exc)
    return tuple(found)


@dataclass
class FontSet:
    """The main font and the fallbacks found; records every character no font can draw.

    The fallbacks are parsed on the first character the main font lacks: a report in Latin,
    Greek or Cyrillic script never loads them (the CJK font alone holds about 25 MB in a worker).
    """

    main: frozenset[int]
    font_dir: Path
    missing: set[str] = field(default_factory=set)
    shaping: bool = False

    @property
    def fallbacks(self) -> tuple[tuple[str, frozenset[int]], ...]:
        """The fallback fonts found in the font directory, registered on first use."""
        return _fallbacks(self.font_dir)

    def font_for(self, char: str) -> str | None:
        """The fallback font that draws `char`, or None for the main font (or for no font)."""
        code = ord(char)
        if code in self.main or char.isspace():
            return None
        for name, covered in self.fallbacks:
            if code in covered:
                return name
        if char.isprintable():
            self.missing.add(char)
        return None

    def shapes(self, text) -> bool:
        """Whether `text` needs complex shaping (Devanagari) and shaping is on."""
        return self.shaping and any(ord(c) in DEVANAGARI for c in str(text or ""))

    def warn_missing(self, where: str) -> None:
        """Log, once per render, the characters that will show as empty boxes."""
        if self.missing:
            names = ", ".join(f"U+{ord(c):04X} {c!r}" for c in sorted(self.missing))
            log.warning(
                "%s: no font has a glyph for %d character(s): %s", where, len(self.missing), names
            )


def fontset(font_dir: str | os.PathLike | None = None, shaping: bool | None = None) -> FontSet:
    """Register the main fonts (once per process) and return a fresh FontSet."""
    main = _register_main()
    return FontSet(
        main=main, font_dir=resolve_font_dir(font_dir).resolve(), shaping=resolve_shaping(shaping)
    )


def available(font_dir: str | os.PathLike | None = None) -> list[str]:
    """Names of the fallback fonts found in the font directory (for readiness checks)."""
    return [name for name, _ in fontset(font_dir, shaping=False).fallbacks]
