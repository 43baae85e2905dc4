"""Who did it, to whom: roles read off the dependency parse (Universal Dependencies).

actor = the subject, or the passive agent ("par X"), or for a nominal trigger its
genitive ("les bombardements du régime") or the subject of the verb that carries it;
recipient = the object, or an oblique introduced by a recipient preposition
("avec la Russie", "contre les rebelles"). Coordinated phrases give several
entities ("Washington et Moscou"); an infinitive with no subject of its own takes
the subject of the verb or noun it depends on ("leur décision … de suspendre").
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from ..language.resources import Grammar
from .lexicon import TriggerMatch

_SUBJECT = ("nsubj", "csubj")
_PASSIVE_SUBJECT = ("nsubj:pass",)
_OBJECT = ("obj", "iobj")
_OBLIQUE = ("obl", "obl:arg", "obl:mod", "nmod")
# Climbing from an infinitive or participle to find who acts stops at these:
# what is said is not done by the sayer.
_CLIMB_THROUGH = {"xcomp", "acl", "advcl", "obj", "nmod", "obl", "obl:arg", "obl:mod", "conj"}
_MAX_CLIMB = 5
_FORCE = frozenset({"ASSAULT", "COERCE"})
# For these (event, mode) nominalisations the genitive names who undergoes the
# event ("l'arrestation du journaliste"), not who does it ("les bombardements du régime").
_GENITIVE_IS_PATIENT = {
    ("COERCE", None), ("COERCE", "arrest"), ("COERCE", "deport"), ("COERCE", "seize"),
    ("COERCE", "restrict"), ("COERCE", "censor"),
    ("ASSAULT", "abduct"), ("ASSAULT", "targeted"), ("ASSAULT", "torture"),
    ("ASSAULT", "beat"), ("RETREAT", "release"), ("SANCTION", "expel"),
    ("SANCTION", "convict"), ("AID", None),
}


def case_words(token: Token) -> set[str]:
    words = set()
    for child in token.children:
        if child.dep_ in ("case", "mark") and child.i < token.i:
            words.add(child.lower_)
            words.add(child.lemma_.lower())
            words.update(f.lower_ for f in child.children if f.dep_ == "fixed")
    return words


def conjuncts(token: Token) -> list[Token]:
    """The token and the phrases coordinated with it ("Washington et Moscou")."""
    found = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN", "PRON") \
                and child.ent_iob_ != "I":  # not the second half of one name
            found.extend(conjuncts(child))
    return found


def _participle_modifier(verb: Token) -> bool:
    """A past participle modifying a noun is passive: "le régime appuyé par les Russes"."""
    return verb.dep_ == "acl" and "Part" in verb.morph.get("VerbForm") and \
        "Pres" not in verb.morph.get("Tense")


def reduced_passive(verb: Token) -> bool:
    """"Two soldiers killed in ambush", "Deux soldats tués à Gao": a past participle with a
    subject, no auxiliary and no object is a headline's passive; the subject was acted on."""
    return verb.pos_ == "VERB" and "Part" in verb.morph.get("VerbForm") and \
        "Pres" not in verb.morph.get("Tense") and \
        any(c.dep_ == "nsubj" for c in verb.children) and \
        not any(c.dep_.startswith(("aux", "cop", "obj", "iobj", "expl")) for c in verb.children)


def is_passive(verb: Token) -> bool:
    return "Pass" in verb.morph.get("Voice") or any(
        c.dep_ in ("aux:pass", "nsubj:pass") for c in verb.children) or reduced_passive(verb)


def _adverbial_case(nominal: Token) -> bool:
    """"une embuscade près de Gao", "lors de la visite": the "de" ends an adverb's
    preposition, it names no owner."""
    case = next((c for c in nominal.children if c.dep_ == "case" and c.i < nominal.i), None)
    return case is not None and case.i > 0 and nominal.doc[case.i - 1].pos_ == "ADV"


_INFLECTIONS = ("ed", "d", "es", "s", "ing")
_INFINITIVE_MARKS = frozenset({"to", "à", "de", "d'"})  # not "a": the auxiliary "a négocié"


def _infinitival(clause: Token) -> bool:
    return clause.dep_ in ("xcomp", "advcl") and clause.pos_ in ("VERB", "AUX") and (
        "Inf" in clause.morph.get("VerbForm") or any(
            c.dep_ in ("mark", "aux") and c.lower_ in _INFINITIVE_MARKS for c in clause.children))


def is_predicative(verb: Token) -> bool:
    """"Vietnam is committed to opening", "le Mali est disposé à négocier": a participle
    used as an adjective, whose subject is the one committed, not someone acted upon."""
    return is_passive(verb) and any(_infinitival(c) for c in verb.children) and not any(
        c.dep_ in ("obl:agent",) for c in verb.children)


class RoleFinder:
    def __init__(self, grammar: Grammar):
        self.g = grammar

    # -- helpers ----------------------------------------------------------------
    def is_support_verb(self, verb: Token) -> bool:
        """"staged demonstrations": the small English model lemmatises "staged" as
        "stag", so the regular inflections are undone by hand too."""
        words = self.g.support_verbs
        if verb.lemma_.lower() in words or verb.lower_ in words:
            return True
        form = verb.lower_
        return any(form.endswith(ending) and (form[:-len(ending)] in words or
                                              form[:-len(ending)] + "e" in words)
                   for ending in _INFLECTIONS)

    def _children(self, token: Token, deps: tuple[str, ...]) -> Iterator[Token]:
        return (c for c in token.children if c.dep_ in deps)

    def _agent(self, verb: Token) -> Token | None:
        for child in verb.children:
            if child.dep_ == "obl:agent" or (
                    child.dep_ in _OBLIQUE and case_words(child) & self.g.agent):
                return child
        # "arrêté lundi par la police": the agent hung on the date by the parser
        for child in verb.children:
            if child.dep_ in ("obl:mod", "obl", "advmod"):
                for grandchild in child.children:
                    if grandchild.dep_ == "obl:agent":
                        return grandchild
        return None

    def _nearest_subject(self, verb: Token) -> Token | None:
        # Parsers sometimes hang two subjects on one verb; the nearest is the right one.
        subjects = list(self._children(verb, _SUBJECT))
        if not subjects:
            return None
        subject = min(subjects, key=lambda t: abs(t.i - verb.i))
        if subject.pos_ == "VERB" and subject.dep_ == "nsubj":
            # "The Red Cross operating in Iraq said": the participle taken for the subject
            # carries the real one
            return next((c for c in subject.children if c.dep_ == "nsubj"
                         and c.pos_ in ("NOUN", "PROPN", "PRON")), subject)
        return subject

    def _subject_of(self, verb: Token) -> Token | None:
        subject = self._nearest_subject(verb)
        if subject is not None:
            return subject
        if "Part" in verb.morph.get("VerbForm") or is_passive(verb):
            return self._agent(verb)
        return None

    # -- actor ----------------------------------------------------------------------
    def actors(self, match: TriggerMatch, is_actor_like) -> list[Token]:
        trigger = match.anchor
        if trigger.pos_ in ("VERB", "AUX"):
            head = self._verbal_actor(trigger, match)
        elif trigger.pos_ == "ADJ":
            head = self._predicate_subject(trigger) or \
                self._nominal_actor(trigger, match, is_actor_like)
        else:
            head = self._nominal_actor(trigger, match, is_actor_like)
        return conjuncts(head) if head is not None else []

    def _predicate_subject(self, adjective: Token) -> Token | None:
        """"Syria is willing to withdraw", "la Russie se dit prête à": the subject of the
        adjective (UD) or of the copula it complements."""
        subject = self._nearest_subject(adjective)
        if subject is None and adjective.dep_ in ("acomp", "xcomp", "attr") and \
                adjective.head.pos_ in ("AUX", "VERB"):
            subject = self._nearest_subject(adjective.head)
        return subject

    def _verbal_actor(self, verb: Token, match: TriggerMatch) -> Token | None:
        if "recipient_subject" in match.entry.flags:
            return self._agent(verb)
        if is_predicative(verb):
            return next(self._children(verb, _PASSIVE_SUBJECT + _SUBJECT), None)
        if is_passive(verb) or _participle_modifier(verb):
            agent = self._agent(verb)
            if agent is not None or _participle_modifier(verb) or reduced_passive(verb):
                return agent
        subject = self._nearest_subject(verb)
        if subject is not None:
            return subject
        return self._climb_for_actor(verb) or self._detached_subject(verb)

    @staticmethod
    def _detached_subject(verb: Token) -> Token | None:
        """A subject the parser left as a second root ("Paris et Berlin ont condamné"
        parsed as two sentences in one): the nominal root just before the verb."""
        if "Fin" not in verb.morph.get("VerbForm") and not any(
                c.dep_.startswith("aux") for c in verb.children):
            return None
        doc = verb.doc
        # The parser may also have cut the sentence there: scan back to real punctuation.
        for token in reversed(doc[max(0, verb.i - 12):verb.i]):
            if token.text in (".", "!", "?", ";", ":") or "\n" in token.text:
                return None
            if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("aux", "aux:tense", "aux:pass"):
                return None
            if token.head.i == token.i and token.i != verb.i and \
                    token.pos_ in ("NOUN", "PROPN", "PRON"):
                return token
        return None

    def _climb_for_actor(self, token: Token) -> Token | None:
        current = token
        for _ in range(_MAX_CLIMB):
            if current.dep_ not in _CLIMB_THROUGH or current.head.i == current.i:
                return None
            current = current.head
            if current.pos_ in ("VERB", "AUX"):
                found = self._subject_of(current)
                if found is not None:
                    return found
            else:
                owner = self._genitive(current)
                if owner is not None:
                    return owner
        return None

    def _genitive(self, noun: Token) -> Token | None:
        for child in noun.children:
            if child.dep_ in ("nmod", "obl", "obl:arg", "obl:mod") and \
                    case_words(child) & (self.g.genitive | self.g.agent) and \
                    child.pos_ in ("NOUN", "PROPN", "PRON") and not _adverbial_case(child):
                return child
        return None

    def _nominal_actor(self, noun: Token, match: TriggerMatch, is_actor_like) -> Token | None:
        entry = match.entry
        patient_genitive = (entry.event, entry.mode) in _GENITIVE_IS_PATIENT
        by_agent = next((c for c in noun.children if case_words(c) & self.g.agent), None)
        if by_agent is not None:
            return by_agent
        if not patient_genitive:
            owner = self._genitive(noun)
            if owner is not None and owner not in match.companions and is_actor_like(owner) \
                    and not (entry.event in _FORCE and case_words(owner) & self.g.patient_genitive):
                return owner
        # "les combats font rage entre X et Y"; "l'armée a mené des frappes"
        verb = noun.head
        if noun.dep_ in ("nsubj", "nsubj:pass") and verb.pos_ in ("VERB", "AUX"):
            between = next((c for c in verb.children if case_words(c) & self.g.reciprocal), None)
            if between is not None:
                return between
        between = next((c for c in noun.children if case_words(c) & self.g.reciprocal), None)
        if between is not None:
            return between
        # "l'armée a mené des frappes", "les Etats-Unis ont annoncé lundi des sanctions"
        # (with "lundi" misparsed as the object): the nearest verb above, if it only
        # carries the nominal event, lends its subject.
        carrier = noun
        for _ in range(3):
            if carrier.dep_ not in ("obj", "nmod", "obl", "obl:mod", "obl:arg") or carrier.head is carrier:
                return None
            carrier = carrier.head
            if carrier.pos_ in ("VERB", "AUX"):
                if self.is_support_verb(carrier):
                    return self._subject_of(carrier) or self._climb_for_actor(carrier)
                return None
        return None

    # -- recipient ------------------------------------------------------------------
    def recipients(self, match: TriggerMatch, is_actor_like,
                   exclude: set[int] = frozenset(), code_of=lambda token: None) -> list[Token]:
        trigger = match.anchor
        # a companion is part of the trigger ("suspendre les pourparlers") unless it names
        # someone ("summoned Niger's ambassador")
        companions = {t.i for t in match.companions
                      if t.pos_ not in ("NOUN", "PROPN") or not code_of(t)} | set(exclude)
        candidates: list[Token] = []
        if trigger.pos_ in ("VERB", "AUX"):
            if _participle_modifier(trigger):
                candidates.append(trigger.head)  # "le régime appuyé par les Russes"
            elif "recipient_subject" in match.entry.flags or (
                    is_passive(trigger) and not is_predicative(trigger)):
                candidates.extend(self._children(trigger, _SUBJECT + _PASSIVE_SUBJECT))
            candidates.extend(list(self._children(trigger, _OBJECT)) or self._shared_object(trigger))
        else:
            if (match.entry.event, match.entry.mode) in _GENITIVE_IS_PATIENT:
                candidates.extend(c for c in trigger.children
                                  if c.dep_ in _OBLIQUE and case_words(c) & self.g.genitive)
            if trigger.dep_ in ("nsubj",) and trigger.head.pos_ == "VERB":
                # "des frappes … ont tué dix civils": the victims are the verb's object
                candidates.extend(self._children(trigger.head, _OBJECT))
        # obliques with a recipient preposition, on the trigger or its companions, or on
        # the verb that carries a nominal trigger ("imposed sanctions on Venezuela")
        carriers = [trigger.head] if trigger.pos_ == "NOUN" and trigger.dep_ == "obj" and \
            self.is_support_verb(trigger.head) else []
        for token in (trigger, *match.companions, *carriers):
            for child in token.children:
                if child.dep_ in _OBLIQUE and case_words(child) & self.g.recipient:
                    candidates.append(child)
                if child.dep_ in ("acl",):  # "les pourparlers engagés avec la Russie"
                    candidates.extend(c for c in child.children if c.dep_ in _OBLIQUE
                                      and case_words(c) & self.g.recipient)
        candidates.extend(t for t in match.companions if t.i not in companions)
        if "embeds" in match.entry.flags:
            # "demanded that the US cancel its plans", "offered to hand them over to
            # Britain": whom the demand or offer is for is named in its content clause
            for clause in (c for c in trigger.children if c.dep_ in ("ccomp", "xcomp")):
                candidates.extend(self._children(clause, _SUBJECT))
                candidates.extend(c for c in clause.children if c.dep_ in _OBLIQUE + _OBJECT
                                  and (c.dep_ in _OBJECT or case_words(c) & self.g.recipient))
        seen: set[int] = set()
        found: list[Token] = []
        for candidate in candidates:
            if candidate.i in companions or candidate.i in seen:
                continue
            if is_actor_like(candidate):
                for token in conjuncts(candidate) + self._stray_conjuncts(trigger, candidate):
                    if token.i not in seen:
                        seen.add(token.i)
                        found.append(token)
                break
        return found

    def _shared_object(self, verb: Token) -> list[Token]:
        """"arrested and executed ten men": the object both verbs share hangs on the
        last one only."""
        if is_passive(verb):
            return []
        return [obj for conj in verb.children if conj.dep_ == "conj" and conj.pos_ == "VERB"
                and conj.i > verb.i and not any(c.dep_ in _SUBJECT for c in conj.children)
                for obj in self._children(conj, _OBJECT) if obj.i > conj.i]

    @staticmethod
    def _stray_conjuncts(verb: Token, first: Token) -> list[Token]:
        """"accusé la Russie et le régime syrien" where the parser hung "régime" on the
        verb as a conjunct: a nominal right after the object, joined by a conjunction."""
        stray = []
        for child in verb.children:
            if child.dep_ == "conj" and child.pos_ in ("NOUN", "PROPN") and \
                    0 < child.i - first.i <= 6 and any(c.dep_ == "cc" for c in child.children):
                stray.append(child)
        return stray
