"""Who says so: quotes with their speaker, and the claimant of a reported event.

A claimant is whoever the text credits for the information: "selon X", "d'après X",
"X précise que …", or the speaker of a quote the event sits in.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..language.resources import Attribution
from ..nlp import sentence_of, text_of

_MAX_QUOTE_CHARS = 2_000


@dataclass
class QuoteSpan:
    start: int            # offsets of the quoted words, delimiters excluded
    end: int
    text: str
    speaker: Token | None  # head of the speaker's noun phrase


def _case_text(token: Token) -> str:
    words = [c for c in token.children if c.dep_ in ("case", "fixed") and c.i < token.i]
    words.extend(f for c in list(words) for f in c.children if f.dep_ == "fixed")
    words.sort(key=lambda t: t.i)
    text = " ".join(w.lower_ for w in words)
    return text.replace("' ", "'")


class AttributionFinder:
    def __init__(self, resources: Attribution):
        self.res = resources

    # -- quotes ---------------------------------------------------------------
    def quotes(self, doc: Doc) -> list[QuoteSpan]:
        text = text_of(doc)
        found: list[QuoteSpan] = []
        pos = 0
        openers = dict(self.res.quotes)
        while pos < len(text):
            starts = [(text.find(o, pos), o) for o in openers]
            starts = [(i, o) for i, o in starts if i >= 0]
            if not starts:
                break
            i, opener = min(starts)
            j = text.find(openers[opener], i + 1)
            if j < 0 or j - i > _MAX_QUOTE_CHARS or "\n\n" in text[i:j]:
                pos = i + 1
                continue
            inner_start, inner_end = i + 1, j
            while inner_start < inner_end and text[inner_start].isspace():
                inner_start += 1
            while inner_end > inner_start and text[inner_end - 1].isspace():
                inner_end -= 1
            if inner_end > inner_start:
                found.append(QuoteSpan(inner_start, inner_end, text[inner_start:inner_end],
                                       self._speaker(doc, i, j + 1)))
            pos = j + 1
        return found

    def _speaker(self, doc: Doc, start: int, end: int) -> Token | None:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not len(span):
            return None
        inside = {t.i for t in span}
        sentence = sentence_of(span[0])
        # A reporting verb outside the quote that governs it, or stands beside it.
        best = None
        for token in sentence:
            if token.i in inside or not self.is_reporting(token):
                continue
            subject = self.subject(token)
            if subject is not None and subject.i not in inside:
                distance = min(abs(token.i - span.start), abs(token.i - span.end))
                if best is None or distance < best[0]:
                    best = (distance, subject)
        if best is not None:
            return best[1]
        return self.source_marker(sentence)

    # -- claimants --------------------------------------------------------------
    def claimant(self, trigger: Token, quotes: list[QuoteSpan]) -> Token | None:
        reporter = self.reporting_ancestor(trigger)
        if reporter is not None:
            subject = self.subject(reporter)
            if subject is not None:
                return subject
        marker = self.source_marker(sentence_of(trigger))
        if marker is not None:
            return marker
        for quote in quotes:
            if quote.start <= trigger.idx < quote.end and quote.speaker is not None:
                return quote.speaker
        return None

    def is_reporting(self, token: Token) -> bool:
        return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in self.res.reporting_verbs

    def reporting_ancestor(self, trigger: Token) -> Token | None:
        for ancestor in trigger.ancestors:
            if self.is_reporting(ancestor):
                return ancestor
        return None

    def subject(self, verb: Token) -> Token | None:
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubj:pass"):
                return child
        # "… qui dit espérer", "X, bien informé, précise que": the subject sits on
        # the verb this one depends on.
        if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i:
            return self.subject(verb.head)
        return None

    def source_marker(self, sentence: Span) -> Token | None:
        for token in sentence:
            if token.pos_ not in ("NOUN", "PROPN", "PRON"):
                continue
            case = _case_text(token)
            if case and any(case == m or case.endswith(" " + m) or m.endswith(case)
                            and len(case) > 3 for m in self.res.source_markers):
                return self.past_speech_noun(token)
        return None

    def past_speech_noun(self, token: Token) -> Token:
        """'selon les mots de John Kerry' credits John Kerry, not 'les mots'."""
        if token.lemma_.lower() in self.res.speech_nouns or token.lower_ in self.res.speech_nouns:
            for child in token.children:
                if child.dep_ in ("nmod", "appos") and child.pos_ in ("PROPN", "NOUN"):
                    return child
        return token
