"""PLOVER auxiliary modes: negation, future, hypothetical, historical.

Read from morphology (Polarity=Neg, Tense=Fut, Mood=Cnd) and a few function words
listed per language; "historical" also follows from a resolved date more than a
year before publication (decided by the assembler, which knows the dates).
"""

from __future__ import annotations

from spacy.tokens import Token

from ..language.resources import Grammar


def _verb_group(trigger: Token) -> list[Token]:
    """The trigger, its auxiliaries and, for a noun, the verb that carries it."""
    group = [trigger]
    if trigger.pos_ not in ("VERB", "AUX") and trigger.dep_ in ("obj", "nsubj", "nsubj:pass") \
            and trigger.head.pos_ in ("VERB", "AUX"):
        group.append(trigger.head)
    for token in list(group):
        group.extend(c for c in token.children if c.dep_.startswith("aux") or c.dep_ == "cop")
    return group


def aux_flags(trigger: Token, grammar: Grammar) -> list[str]:
    flags: list[str] = []
    group = _verb_group(trigger)
    if _negated(group, grammar) or (  # "failed to reach agreement"
            trigger.dep_ == "xcomp" and trigger.head.lemma_.lower() in grammar.failure_verbs):
        flags.append("negation")
    if _future(trigger, group, grammar):
        flags.append("future")
    if _hypothetical(trigger, group, grammar):
        flags.append("hypothetical")
    if any(c.lower_ in grammar.historical_markers for t in group for c in t.children):
        flags.append("historical")
    return flags


def _negated(group: list[Token], grammar: Grammar) -> bool:
    for token in group:
        for child in token.children:
            if child.dep_ in ("advmod", "det", "cc", "mark", "case") and (
                    "Neg" in child.morph.get("Polarity")
                    or child.lower_ in grammar.negation and child.lower_ not in ("ne", "n'")):
                return True
    return False


def _auxiliaries(group: list[Token]) -> set[str]:
    return {t.lemma_.lower() for t in group if t.dep_.startswith("aux")}


def _future(trigger: Token, group: list[Token], grammar: Grammar) -> bool:
    if any("Fut" in t.morph.get("Tense") for t in group):
        return True
    if _auxiliaries(group) & grammar.future_auxiliaries:  # "will deliver"
        return True
    head = trigger.head
    return trigger.dep_ == "xcomp" and "Inf" in trigger.morph.get("VerbForm") \
        and head.lemma_.lower() in grammar.future_auxiliaries


def _hypothetical(trigger: Token, group: list[Token], grammar: Grammar) -> bool:
    if any("Cnd" in t.morph.get("Mood") for t in group):
        return True
    if _auxiliaries(group) & grammar.hypothetical_auxiliaries:  # "could attack"
        return True
    for token in (trigger, *trigger.ancestors):
        marks = {c.lower_ for c in token.children if c.dep_ == "mark"}
        if marks & grammar.hypothetical_marks:
            return True
        if token.dep_ not in ("xcomp", "advcl", "conj"):
            break
    return False
