"""Offline language detection and the registry of supported languages.

Each supported language is one module in this package exposing `PROFILE`; the
registry discovers them, so adding a language touches no other code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from ..registry import modules_in

# Below this many letters a guess is noise; the caller's --lang or the default wins.
MIN_LETTERS = 20
# The written languages of the world's news that the detector may answer. langid's 97
# include rare ones that short English or French sentences are mistaken for ("Unknown
# gunmen killed four traders near Mopti" is Nigerian Pidgin to it); a text in a language
# left out is still reported as unsupported, under the nearest listed one.
NEWS_LANGUAGES = (
    "am", "ar", "az", "bg", "bn", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa",
    "fi", "fr", "ha", "he", "hi", "hr", "hu", "hy", "id", "it", "ja", "ka", "kk", "ko", "lt",
    "lv", "mk", "ms", "nl", "no", "pa", "pl", "ps", "pt", "ro", "ru", "sk", "sl", "so", "sq",
    "sr", "sv", "sw", "ta", "th", "tl", "tr", "uk", "ur", "uz", "vi", "zh",
)


@dataclass(frozen=True)
class LanguageProfile:
    code: str            # ISO 639-1
    name: str
    spacy_model: str     # the PyPI package (importable name) holding the spaCy pipeline
    # a registered component run right after parsing, to bring the parse to Universal
    # Dependencies when the model uses another scheme (English: ClearNLP labels)
    parse_adapter: str | None = None


class UnsupportedLanguage(LookupError):
    def __init__(self, code: str):
        supported = ", ".join(sorted(profiles()))
        super().__init__(f"language {code!r} has no pipeline yet (supported: {supported})")
        self.code = code


@lru_cache(maxsize=None)
def profiles() -> dict[str, LanguageProfile]:
    found = {}
    for module in modules_in(__name__, __path__):
        profile = getattr(module, "PROFILE", None)
        if isinstance(profile, LanguageProfile):
            found[profile.code] = profile
    return found


def get_profile(code: str) -> LanguageProfile:
    try:
        return profiles()[code]
    except KeyError:
        raise UnsupportedLanguage(code) from None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text."""
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    code, _score = _identifier().classify(sample)
    return code


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(NEWS_LANGUAGES))
    return identifier
