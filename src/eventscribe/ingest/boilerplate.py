"""Page furniture that survives extraction: share buttons, menus, "read also" links."""

from __future__ import annotations

import re

# Whole paragraphs that are furniture, in any language we read.
_FURNITURE = re.compile(
    r"^(partager|share|imprimer|print|tweet|envoyer|send|lire aussi|lire la suite|"
    r"read more|à lire aussi|voir aussi|see also|related|sur le même sujet|"
    r"abonnez-vous|subscribe|publicité|advertisement|newsletter|menu|accueil|home)"
    r"\b[^.!?]{0,60}:?\s*$",
    re.IGNORECASE,
)


def is_furniture(paragraph: str) -> bool:
    return bool(_FURNITURE.match(paragraph.strip()))


def strip_boilerplate(paragraphs: list[str]) -> list[str]:
    return [p for p in paragraphs if p.strip() and not is_furniture(p)]
