"""spaCy: model loading and per-paragraph parsing with offsets kept.

An article is parsed paragraph by paragraph (bounded memory, and the models were
trained on sentences, not on 20,000-word pages), then the paragraph Docs are joined
with `Doc.from_docs` into one Doc whose text is exactly the article's text, so a
token's `idx` is an offset into `Article.text` with no bookkeeping.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .compiled import compile_rules
from .extensions import register_extensions

# A paragraph longer than this is cut at a sentence end: the parser is quadratic-ish
# in practice on pathological inputs (pages of tables), and nothing useful is lost.
MAX_CHUNK_CHARS = 1_500
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"[.!?…»]\s+")


class ModelMissing(RuntimeError):
    """The spaCy model package for a language is not installed."""


def chunk_text(text: str) -> list[str]:
    """Split text into paragraph chunks whose concatenation is exactly `text`."""
    chunks: list[str] = []
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        chunks.extend(_cut_long(text[start:brk.end()]))
        start = brk.end()
    if start < len(text):
        chunks.extend(_cut_long(text[start:]))
    return chunks


def _cut_long(paragraph: str) -> Iterator[str]:
    while len(paragraph) > MAX_CHUNK_CHARS:
        cut = None
        for end in _SENTENCE_END.finditer(paragraph, 0, MAX_CHUNK_CHARS):
            cut = end.end()
        if cut is None:
            space = paragraph.rfind(" ", 0, MAX_CHUNK_CHARS)
            cut = space + 1 if space > 0 else MAX_CHUNK_CHARS
        yield paragraph[:cut]
        paragraph = paragraph[cut:]
    if paragraph:
        yield paragraph


@lru_cache(maxsize=None)
def load_model(package: str) -> Language:
    """The model, with its rule-based steps compiled (same annotations, see `compiled`)."""
    register_extensions()
    try:
        nlp = spacy.load(package)
    except OSError as exc:
        raise ModelMissing(
            f"spaCy model {package!r} is not installed: pip install {package.replace('_', '-')}"
        ) from exc
    compile_rules(nlp)
    return nlp


def parse_texts(nlp: Language, texts: Iterable[str], *, disable: Iterable[str] = (),
                batch_size: int = 64) -> Iterator[Doc]:
    """Parse many texts; each comes back as one Doc whose text is the input text."""
    texts = list(texts)
    chunked = [chunk_text(t) for t in texts]
    flat = (chunk for chunks in chunked for chunk in chunks)
    parsed = nlp.pipe(flat, disable=list(disable), batch_size=batch_size)
    for text, chunks in zip(texts, chunked):
        if not chunks:
            yield nlp.make_doc(text)
            continue
        docs = [next(parsed) for _ in chunks]
        doc = docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False)
        last = doc[-1] if len(doc) else None
        assert last is not None and last.idx + len(last.text_with_ws) == len(text), \
            "paragraph join changed the text"
        doc.user_data[_TEXT] = text
        yield doc


_TEXT = "eventscribe.text"


def text_of(doc: Doc) -> str:
    """`doc.text`, without its cost: spaCy joins every token's text on each access."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


_SENTENCES = "eventscribe.sentences"


def sentence_of(token: Token) -> Span:
    """`token.sent`, without its cost: spaCy walks the Doc's sentences on every call
    (a tenth of the pipeline's time on long articles); this walks them once per Doc.

    Call it only once the parse is final (the components run after the parse adapters)."""
    doc = token.doc
    cached = doc.user_data.get(_SENTENCES)
    if cached is None or cached[0] != len(doc):
        sentences = list(doc.sents)
        cached = (len(doc), [sentence.start for sentence in sentences], sentences)
        doc.user_data[_SENTENCES] = cached
    _, starts, sentences = cached
    return sentences[bisect_right(starts, token.i) - 1]
