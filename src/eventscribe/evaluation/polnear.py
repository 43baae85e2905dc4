"""polnear: PolNeAR attribution relations (who said what) in English political news.

The data: a folder with ``text/<article>.txt`` and ``attributions/<article>_<annotator>.ann``
(brat standoff: ``T`` lines are spans labelled Source, Cue, Content — possibly
discontinuous, ``start end;start end`` — and ``E`` lines tie them into one
attribution). A few articles were annotated by several annotators; the first
annotation file in sorted order is used, so each article counts once.

Predictions come from the English pipeline's attribution machinery run on the whole
text (all our components, so ``doc._.quotes`` and ``doc._.actors`` are set):

* every reporting verb (``AttributionFinder.is_reporting``) is a **cue**; its subject
  (``AttributionFinder.subject``) is the **source**, as the actor phrase
  ``doc._.actors.entity`` gives it (else the subject's subtree); its clausal
  complement (ccomp, else xcomp) is the **content**, else a quote whose speaker is
  that subject;
* a quote with a speaker and no such verb is content, its speaker the source;
* a source marker ("according to X") is a cue, X the source, and the rest of the
  sentence the content.

Metrics, per role, overlap-based as in the PolNeAR paper: a predicted span matches
a gold span of the same role when they share at least one character (one-to-one,
largest overlap first); ``source_f1``, ``cue_f1``, ``content_f1`` (with their
precision and recall) and ``n_attributions`` (gold relations).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from ..language.resources import attribution
from ..quotes import AttributionFinder
from . import Report, one_to_one, prf
from .geoparsing import annotated_docs

NAME = "polnear"
DESCRIPTION = "PolNeAR (brat .ann): attribution source, cue and content spans (English)"
ROLES = ("Source", "Cue", "Content")
Fragments = tuple[tuple[int, int], ...]
_TRIM = "\"“”‘’'«» ,.;:—–-\n\t"


@dataclass
class GoldArticle:
    name: str
    text: str
    spans: dict[str, list[Fragments]] = field(default_factory=dict)  # role → spans
    n_attributions: int = 0


@dataclass
class Attribution:
    cue: tuple[int, int]
    source: tuple[int, int] | None
    content: tuple[int, int] | None


# -- reading -------------------------------------------------------------------------

def parse_ann(raw: str) -> tuple[dict[str, list[Fragments]], int]:
    """Spans by role and the number of attribution relations of one .ann file."""
    spans: dict[str, list[Fragments]] = {role: [] for role in ROLES}
    relations = 0
    for line in raw.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("E"):
            relations += 1
            continue
        if not parts[0].startswith("T"):
            continue
        label, _, offsets = parts[1].partition(" ")
        if label not in spans:
            continue
        fragments = tuple((int(a), int(b)) for a, b in
                          (piece.split() for piece in offsets.split(";")))
        spans[label].append(fragments)
    return spans, relations


def load(path: str | Path, limit: int | None = None) -> list[GoldArticle]:
    path = Path(path)
    articles = []
    annotations = sorted((path / "attributions").glob("*.ann"))
    for text_file in sorted((path / "text").glob("*.txt")):
        mine = [a for a in annotations if a.stem.rsplit("_", 1)[0] == text_file.stem]
        if not mine:
            continue
        spans, relations = parse_ann(mine[0].read_text(encoding="utf-8"))
        articles.append(GoldArticle(text_file.stem, text_file.read_text(encoding="utf-8"),
                                    spans, relations))
        if limit and len(articles) >= limit:
            break
    return articles


# -- predictions -----------------------------------------------------------------------

def _trimmed(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    text = doc.text
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return (start, end) if end > start else None


def _subtree_span(doc: Doc, token: Token) -> tuple[int, int] | None:
    tokens = list(token.subtree)
    return _trimmed(doc, tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))


def _source_span(doc: Doc, head: Token) -> tuple[int, int] | None:
    entity = doc._.actors.entity(head) if doc._.actors is not None else None
    if entity is not None:
        return entity.start, entity.end
    return _subtree_span(doc, head)


def _marker_content(doc: Doc, sentence: Span, phrase: tuple[int, int]) -> tuple[int, int] | None:
    """The sentence outside the 'according to X' phrase: its longer side."""
    before = _trimmed(doc, sentence.start_char, phrase[0])
    after = _trimmed(doc, phrase[1], sentence.end_char)
    sides = [s for s in (before, after) if s is not None]
    return max(sides, key=lambda s: s[1] - s[0]) if sides else None


def predict(doc: Doc, finder: AttributionFinder) -> list[Attribution]:
    """Attributions the pipeline's attribution stage finds in one parsed Doc."""
    found: list[Attribution] = []
    cues: set[int] = set()
    quotes = list(doc._.quotes or [])
    used_quotes: set[int] = set()
    for token in doc:
        if not finder.is_reporting(token):
            continue
        subject = finder.subject(token)
        complement = next((c for c in token.children if c.dep_ == "ccomp"), None) or \
            next((c for c in token.children if c.dep_ == "xcomp"), None)
        content = _subtree_span(doc, complement) if complement is not None else None
        if content is None and subject is not None:
            for number, quote in enumerate(quotes):
                if quote.speaker is not None and quote.speaker.i == subject.i:
                    content = (quote.start, quote.end)
                    used_quotes.add(number)
                    break
        if subject is None and content is None:
            continue
        source = _source_span(doc, subject) if subject is not None else None
        found.append(Attribution((token.idx, token.idx + len(token.text)), source, content))
        cues.add(token.i)
    for number, quote in enumerate(quotes):
        if number in used_quotes or quote.speaker is None:
            continue
        verb = quote.speaker.head
        if verb.i in cues and finder.is_reporting(verb):
            continue  # already an attribution, with a complement as its content
        cue = verb if finder.is_reporting(verb) else quote.speaker
        found.append(Attribution((cue.idx, cue.idx + len(cue.text)),
                                 _source_span(doc, quote.speaker), (quote.start, quote.end)))
    for sentence in doc.sents:
        head = finder.source_marker(sentence)
        if head is None:
            continue
        anchor = head if any(c.dep_ == "case" for c in head.children) else head.head
        marks = sorted((c for c in anchor.children if c.dep_ in ("case", "fixed", "mark")),
                       key=lambda t: t.i)
        marks += [f for m in marks for f in m.children if f.dep_ == "fixed"]
        if not marks or any(m.i in cues for m in marks):
            continue
        marks.sort(key=lambda t: t.i)
        cue = (marks[0].idx, marks[-1].idx + len(marks[-1].text))
        subtree = list(anchor.subtree)
        phrase = (min(cue[0], subtree[0].idx), subtree[-1].idx + len(subtree[-1].text))
        source = _source_span(doc, head)
        if source is not None and source[0] < cue[1] < source[1]:
            source = _trimmed(doc, cue[1], source[1])  # "According to X": X alone
        found.append(Attribution(cue, source, _marker_content(doc, sentence, phrase)))
        cues.update(m.i for m in marks)
    return found


# -- scoring -------------------------------------------------------------------------

def overlap(gold: Fragments, predicted: tuple[int, int]) -> int:
    return sum(max(0, min(b, predicted[1]) - max(a, predicted[0])) for a, b in gold)


def match(gold: list[Fragments], predicted: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one (gold index, predicted index) pairs of overlapping spans, largest first."""
    return one_to_one(gold, predicted, overlap)


def _label(text: str, span: Fragments | tuple[int, int], words: int = 3) -> str:
    fragments = span if isinstance(span[0], tuple) else (span,)
    phrase = " ".join(text[a:b] for a, b in fragments).lower().split()
    return " ".join(phrase[:words]) + (" …" if len(phrase) > words else "")


def evaluate(path: str | Path, pipeline, limit: int | None = None) -> Report:
    """Run the English attribution stage on each article and score the three roles."""
    articles = load(path, limit)
    finder = AttributionFinder(attribution("en"))
    counts: Counter = Counter()
    errors: Counter = Counter()
    docs = annotated_docs(pipeline, (a.text for a in articles), "en")
    for article, doc in zip(articles, docs):
        predicted = predict(doc, finder)
        counts["attributions"] += article.n_attributions
        counts["predicted_attributions"] += len(predicted)
        for role in ROLES:
            gold = article.spans.get(role, [])
            # PolNeAR labels a token once: a span shared by two predictions (one subject
            # for "said and added") is one span.
            spans = list(dict.fromkeys(s for s in (getattr(a, role.lower()) for a in predicted)
                                       if s is not None))
            pairs = match(gold, spans)
            counts[f"{role}_gold"] += len(gold)
            counts[f"{role}_pred"] += len(spans)
            counts[f"{role}_tp"] += len(pairs)
            if role == "Content":
                continue  # content spans are sentences: no useful error key
            hit_gold = {gi for gi, _ in pairs}
            hit_pred = {pi for _, pi in pairs}
            for gi, span in enumerate(gold):
                if gi not in hit_gold:
                    errors[f"missed {role.lower()} «{_label(article.text, span)}»"] += 1
            for pi, span in enumerate(spans):
                if pi not in hit_pred:
                    errors[f"spurious {role.lower()} «{_label(article.text, span)}»"] += 1
    metrics: dict[str, object] = {"n_articles": len(articles),
                                  "n_attributions": counts["attributions"],
                                  "n_predicted": counts["predicted_attributions"]}
    for role in ROLES:
        tp = counts[f"{role}_tp"]
        scores = prf(tp, counts[f"{role}_pred"] - tp, counts[f"{role}_gold"] - tp)
        key = role.lower()
        metrics[f"{key}_precision"] = scores["precision"]
        metrics[f"{key}_recall"] = scores["recall"]
        metrics[f"{key}_f1"] = scores["f1"]
        metrics[f"n_{key}_gold"] = counts[f"{role}_gold"]
    top = [{"error": key, "count": count} for key, count in errors.most_common(20)]
    notes = ["Overlap matching (one shared character, one-to-one) as in PolNeAR's "
             "lenient scoring; strict boundaries would be far lower."]
    return Report(NAME, metrics, top, notes)
