"""French: the founding language."""

from . import LanguageProfile

PROFILE = LanguageProfile(code="fr", name="French", spacy_model="fr_core_news_md")
