"""From trigger matches to event mentions: roles, claimant, place, date, aux, merging.

The assembler owns the decisions that need several stages at once: which triggers
are content of another (an accusation's content is not an event), which nominal
trigger merely details a verbal one ("lancée … avec des bombardements"), where and
when each event happened (the nearest attached place and date in the parse).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from ..actors.resolve import ActorResolver
from ..language.resources import Grammar
from ..nlp import sentence_of
from ..places.resolve import CountryContext, PlaceMention, iso3
from ..quotes import AttributionFinder, QuoteSpan
from ..schema import QUAD_CLASS, Entity
from ..time import TimeExpression
from .lexicon import Lexicon, TriggerMatch
from .modality import aux_flags
from .roles import RoleFinder

_CONTENT_DEPS = {"xcomp", "ccomp", "obl", "obl:arg", "advcl", "acl"}
_NO_ENTITY = Entity("", None, None, 0, 0)
# how a nominal trigger hangs on the trigger it details
_DETAIL_DEPS = {"obl", "obl:mod", "obl:arg", "obl:agent", "nmod", "nsubj", "nsubj:pass", "obj"}
# PLOVER codes announced acts as what they are at the time of speaking: "all cooperative
# actions reported in future tense" are intentions (AGREE); an announced retreat is a
# concession (CONCEDE, "not RETREAT + future"); an announced act of force or pressure is
# a threat ("THREATEN could be ASSAULT + hypothetical: return the single category").
_PROMISED_AS = {
    "CONSULT": "AGREE", "SUPPORT": "AGREE", "COOPERATE": "AGREE", "AID": "AGREE",
    "RETREAT": "CONCEDE",
    "PROTEST": "THREATEN", "SANCTION": "THREATEN", "MOBILIZE": "THREATEN",
    "COERCE": "THREATEN", "ASSAULT": "THREATEN",
}
# "will withdraw its force from Chad unless …": an act announced on a condition is a threat
# (PLOVER THREATEN: "ultimatum"), whatever the act
_CONDITIONED_AS = "THREATEN"
# "failed to reach agreement", "will not withdraw": a refusal (PLOVER REJECT); an
# agreement or concession denied is refused, other acts only when announced
# ("will not accept any more refugees"), not when merely reported as not done
_REFUSED_AS = "REJECT"
_REFUSED_ALWAYS = frozenset({"AGREE", "CONCEDE"})
_REFUSED_IF_ANNOUNCED = frozenset({"AID", "SUPPORT", "COOPERATE", "CONSULT", "RETREAT"})
_MAX_HOPS = 6


@dataclass
class EventMention:
    match: TriggerMatch
    sentence: Span
    actors: list[Entity]
    recipients: list[Entity]
    claimant: Entity | None
    place: PlaceMention | None
    place_fallback: bool
    date: TimeExpression | None
    aux: list[str]
    confidence: float
    merged: list[TriggerMatch] = field(default_factory=list)
    # the type the act is coded as when it is announced, conditioned or refused
    # (PLOVER: a promise, a threat, a rejection), not done
    recoded: str | None = None
    weapon: str | None = None  # the mode of a weapon named beside it (see _share_weapons)

    @property
    def event(self) -> str:
        return self.recoded or self.match.entry.event

    @property
    def mode(self) -> str | None:
        if self.recoded:
            return None  # the recoded act's mode is not the new type's
        return self.match.entry.mode or next(
            (m.entry.mode for m in self.merged if m.entry.mode), None) or self.weapon

    @property
    def context(self) -> list[str]:
        found: list[str] = []
        for match in (self.match, *self.merged):
            found.extend(c for c in match.entry.context if c not in found)
        return found


def _attached(start: Token, targets: dict[int, object], blocked: set[int]) -> object | None:
    """The target nearest to `start` in the tree: its subtree first, then up its clause."""
    frontier, seen = [start], {start.i}
    for _ in range(_MAX_HOPS):
        nxt = []
        for token in frontier:
            if token.i in targets:
                return targets[token.i]
            for child in token.children:
                if child.i in seen or child.i in blocked or child.dep_ in ("ccomp", "parataxis"):
                    continue
                seen.add(child.i)
                nxt.append(child)
        frontier = nxt
    came_from, current = start, start
    for _ in range(3):
        if current.head.i == current.i or current.dep_ in ("ccomp", "parataxis"):
            break
        came_from, current = current, current.head
        if current.i in targets:
            return targets[current.i]
        for child in current.children:
            if child.i == came_from.i or child.i in blocked or child.dep_ in (
                    "ccomp", "parataxis", "acl:relcl"):
                continue
            for token in child.subtree:
                if token.i in targets and (token.head.i == child.i or token.i == child.i
                                           or token.head.head.i == child.i):
                    return targets[token.i]
    return None


_OTHER_CLAUSE = {"acl", "acl:relcl", "advcl", "ccomp", "csubj", "parataxis"}


def _in_other_clause(token: Token, trigger: Token) -> bool:
    """Whether `token` sits in a subordinate clause that does not contain the trigger
    ("des élections prévues le 12 juin" does not date the march)."""
    for ancestor in (token, *token.ancestors):
        if ancestor.dep_ in _OTHER_CLAUSE and trigger not in ancestor.subtree:
            return True
    return False


def _nearest_in_sentence(trigger: Token, heads: dict[int, object], key_start) -> object | None:
    doc, sent = trigger.doc, sentence_of(trigger)
    inside = [item for i, item in heads.items()
              if sent.start_char <= key_start(item) < sent.end_char
              and not _in_other_clause(doc[i], trigger)]
    if not inside:
        return None
    return min(inside, key=lambda i: abs(key_start(i) - trigger.idx))


class EventAssembler:
    def __init__(self, lexicon: Lexicon, grammar: Grammar, attribution: AttributionFinder):
        self.lexicon = lexicon
        self.grammar = grammar
        self.roles = RoleFinder(grammar)
        self.attribution = attribution

    def __call__(self, doc: Doc, resolver: ActorResolver, context: CountryContext,
                 places: list[PlaceMention], times: list[TimeExpression],
                 quotes: list[QuoteSpan]) -> list[EventMention]:
        matches = self._select(self.lexicon.matches(doc))
        matches, merged_into = self._merge(matches)
        place_heads = {m.head: m for m in places if m.is_place and m.locative}
        time_heads = {}
        for expr in times:
            if expr.value is None and expr.timex_type not in ("DATE", "TIME"):
                continue
            span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
            if span is not None and len(span):
                time_heads[span.root.i] = expr
        anchors = {m.anchor.i for m in matches}
        mentions = []
        for match in matches:
            blocked = anchors - {match.anchor.i}
            mentions.append(self._mention(doc, match, merged_into.get(match.anchor.i, []),
                                          resolver, context, place_heads, time_heads,
                                          blocked, places, times, quotes))
        _share_victims(mentions)
        _share_weapons(mentions)
        _subordinate_demands(mentions)
        return mentions

    # -- which matches become events ------------------------------------------------
    def _select(self, matches: list[TriggerMatch]) -> list[TriggerMatch]:
        by_anchor = {m.anchor.i: m for m in matches}
        companion_of = {c.i for m in matches for c in m.companions}
        content: set[int] = set()
        for m in matches:
            if "embeds" in m.entry.flags:
                content.update(self._content_of(m))
        topics = self._topics(matches)
        kept = []
        for m in matches:
            if m.anchor.i in companion_of or m.anchor.i in content or m.anchor.i in topics:
                continue
            # Two readings sharing a companion: keep the higher one in the tree.
            if any(o is not m and set(o.companions) & set(m.companions)
                   and o.anchor in m.anchor.ancestors for o in by_anchor.values()):
                continue
            kept.append(m)
        return kept

    @staticmethod
    def _topics(matches: list[TriggerMatch]) -> set[int]:
        """Nominal triggers that a verbal act is about ("a dénoncé les bombardements",
        "n'a pas approuvé l'offensive"): the act is the event coded, as coders do."""
        topics: set[int] = set()
        for m in matches:
            if QUAD_CLASS[m.entry.event].startswith("verbal") and m.anchor.pos_ in ("VERB", "AUX"):
                for child in m.anchor.children:
                    if child.dep_ == "obj":
                        topics.update(t.i for t in child.subtree
                                      if t.pos_ == "NOUN" and t.i != m.anchor.i)
        return topics

    def _content_of(self, match: TriggerMatch) -> set[int]:
        """What an accusation, threat or demand says: its complement clause, found in
        the tree and, since parsers often misattach it, also as the rest of the
        sentence from the complementiser on ("… d'avoir « rejeté la diplomatie »")."""
        anchor = match.anchor
        content = {t.i for child in anchor.children if child.dep_ in _CONTENT_DEPS
                   and (child.pos_ in ("VERB", "AUX") or child.dep_ in ("xcomp", "ccomp"))
                   for t in child.subtree}
        sentence = sentence_of(anchor)
        for token in sentence[anchor.i - sentence.start + 1:]:
            if token.lower_ in self.grammar.complementisers and token.dep_ in ("mark", "case") \
                    and any(t.pos_ in ("VERB", "AUX") for t in token.doc[token.i + 1:token.i + 4]):
                content.update(range(token.i, sentence.end))
                break
        return content

    def _merge(self, matches: list[TriggerMatch]):
        """A nominal trigger attached to another trigger of the same type details it:
        "lancée … avec des bombardements", "killed by the explosion of an IED" (the
        IED details the explosion, which details the killing: one event, mode explosives)."""
        by_anchor = {m.anchor.i: m for m in matches}
        host_of: dict[int, TriggerMatch] = {}
        for m in matches:
            if m.anchor.pos_ != "NOUN" or m.anchor.dep_ not in _DETAIL_DEPS:
                continue
            head = m.anchor.head
            host = by_anchor.get(head.i) or next(
                (o for o in matches if head in o.companions), None)
            if host is not None and host is not m and host.entry.event == m.entry.event:
                host_of[m.anchor.i] = host
        merged_into: dict[int, list[TriggerMatch]] = {}
        kept = []
        for m in matches:
            if m.anchor.i not in host_of:
                kept.append(m)
                continue
            root, seen = host_of[m.anchor.i], {m.anchor.i}
            while root.anchor.i in host_of and root.anchor.i not in seen:  # chains end at a kept one
                seen.add(root.anchor.i)
                root = host_of[root.anchor.i]
            merged_into.setdefault(root.anchor.i, []).append(m)
        # details nearest the host first, so the first mode found is the most specific
        for root_i, details in merged_into.items():
            details.sort(key=lambda d: abs(d.anchor.i - root_i))
        return kept, merged_into

    # -- one event --------------------------------------------------------------------
    def _mention(self, doc, match, merged, resolver, context, place_heads, time_heads,
                 blocked, places, times, quotes) -> EventMention:
        trigger = match.anchor
        actor_like = resolver.is_actor_like
        detail_anchors = {d.anchor.i for d in merged}
        # "des frappes du régime ont tué dix civils": the strikes are a detail of the
        # killing, not its actor; the detail's own actor acts
        heads = [t for t in self.roles.actors(match, actor_like) if t.i not in detail_anchors]
        actors = self._entities(heads, resolver)
        for detail in merged:  # "lancée … avec des bombardements du régime"
            if not actors:
                actors = self._entities(self.roles.actors(detail, actor_like), resolver)
        if not actors:  # "US Predator attacks have killed …": whose attacks, then
            actors = [e for e in self._entities(
                [d.anchor for d in merged if d.anchor.head.i == trigger.i
                 and d.anchor.dep_ in ("nsubj", "csubj")], resolver) if e.code]
        if not actors and trigger.pos_ == "NOUN" and resolver.named_by_nationality(trigger):
            actors = self._entities([trigger], resolver)  # "Palestinian riots"
        # Neither the details of this event nor the towns it happens in receive it
        # (a country can: "sanctions on Venezuela").
        details = {t.i for m in merged for t in m.tokens} | {
            i for i, p in place_heads.items() if p.place.resolution != "country"}
        recipients = self._entities(self.roles.recipients(
            match, actor_like, details, lambda t: (resolver.entity(t) or _NO_ENTITY).code), resolver)
        recipients = [r for r in recipients if all(r.start != a.start for a in actors)]
        claimant_head = self.attribution.claimant(trigger, quotes)
        claimant = resolver.entity(claimant_head) if claimant_head is not None else None
        if claimant is not None and any(claimant.start == a.start for a in actors):
            claimant = None  # the actor speaking for itself is not a separate source

        place = None
        for token in (trigger, *match.companions, *(m.anchor for m in merged)):
            place = place or _attached(token, place_heads, blocked)
        if place is None:
            place = _nearest_in_sentence(trigger, place_heads, lambda p: p.start)
        fallback = place is None
        if fallback:
            place = context.dominant
        elif place.place is not None and place.place.country_code:
            # "unknown gunmen killed three civilians in Ouenkoro": whoever acts where
            # nothing else says whose they are is coded with the place's country, as
            # ACLED codes "Unidentified Armed Group (Mali)"
            country = iso3(place.place.country_code)
            actors = [replace(a, code=country) if a.code is None else a for a in actors]

        date = None
        for token in (trigger, *match.companions, *(m.anchor for m in merged)):
            date = date or _attached(token, time_heads, blocked)
        if date is None:
            date = _nearest_in_sentence(trigger, time_heads, lambda t: t.start)

        aux = aux_flags(trigger, self.grammar)
        pub = doc._.pub_date
        if date is not None and date.value and pub is not None and "historical" not in aux:
            year = int(date.value[:4])
            if year < pub.year - 1:
                aux.append("historical")
        if match.entry.event == "CONSULT" and match.entry.mode == "visit" and not recipients \
                and place is not None and not fallback:
            # a visit to a country's capital is a meeting with its government
            host = resolver.entity(doc[place.head])
            if host is not None and host.code and all(a.code != host.code for a in actors):
                recipients = [host]
        confidence = self._confidence(match, actors, recipients, place, fallback,
                                      self._depth(trigger))
        recoded = self._recoded(match, aux)
        if recoded == _REFUSED_AS:
            aux = [a for a in aux if a != "negation"]  # "did not accept" asserts a refusal
        return EventMention(match=match, sentence=sentence_of(trigger), actors=actors,
                            recipients=recipients, claimant=claimant, place=place,
                            # a text that names one place happens there: no need to
                            # fall back to its country ("Attack in Labbezanga. JNIM claimed it.")
                            place_fallback=fallback and context.distinct_places != 1,
                            date=date, aux=aux,
                            confidence=confidence, merged=merged, recoded=recoded)

    def _recoded(self, match: TriggerMatch, aux: list[str]) -> str | None:
        event = match.entry.event
        if "negation" in aux:
            refused = event in _REFUSED_ALWAYS or (
                event in _REFUSED_IF_ANNOUNCED and "future" in aux)
            return _REFUSED_AS if refused else None
        if event != _CONDITIONED_AS and self._conditioned(match):
            return _CONDITIONED_AS
        return _PROMISED_AS.get(event) if "future" in aux else None

    def _conditioned(self, match: TriggerMatch) -> bool:
        """An "unless …" / "à moins que …" clause on the act or on the verb announcing it
        (the parser hangs "à moins" on the verb and "que" on the clause)."""
        trigger = match.anchor
        for token in (trigger, *match.companions, *list(trigger.ancestors)[:2]):
            for child in token.children:
                if child.dep_ == "advmod":
                    markers = [child]
                elif child.dep_ in ("advcl", "ccomp") and not (
                        child.left_edge.i <= trigger.i <= child.right_edge.i):
                    # (the condition's own acts are not threatened)
                    markers = [c for c in child.children if c.dep_ == "mark"]
                else:
                    continue
                for mark in markers:
                    words = " ".join([mark.lower_, *(f.lower_ for f in mark.children
                                                     if f.dep_ == "fixed")])
                    if mark.lower_ in self.grammar.threat_marks or words in self.grammar.threat_marks:
                        return True
        return False

    @staticmethod
    def _entities(heads: list[Token], resolver: ActorResolver) -> list[Entity]:
        entities = []
        for head in heads:
            entity = resolver.entity(head)
            if entity is not None and all(e.start != entity.start for e in entities):
                entities.append(entity)
        # a "conjunct" overlapping another entity's name is part of that name
        kept: list[Entity] = []
        for entity in sorted(entities, key=lambda e: e.start - e.end):  # longest first
            if all(entity.end <= k.start or k.end <= entity.start for k in kept):
                kept.append(entity)
        return sorted(kept, key=lambda e: e.start)

    def _depth(self, trigger: Token) -> int:
        """Clauses between the trigger and the sentence's main verb, reporting verbs
        not counted: "X said it will support…" puts "support" at depth 0."""
        depth = 0
        for ancestor in trigger.ancestors:
            if not self.attribution.is_reporting(ancestor):
                depth += 1
        return depth

    @staticmethod
    def _confidence(match, actors, recipients, place, fallback, depth: int = 0) -> float:
        # main-clause events are what the sentence asserts; embedded ones are details
        score = 0.6 - 0.05 * min(depth, 4)
        if "weak" in match.entry.flags:
            score -= 0.2
        if match.companions:
            score += 0.1
        if any(a.code for a in actors):
            score += 0.15
        if any(r.code for r in recipients):
            score += 0.05
        if place is not None and not fallback:
            score += 0.1
        return round(max(0.05, min(0.99, score)), 2)


def _share_victims(mentions: list[EventMention]) -> None:
    """"Gunmen attacked the village, killing two civilians": the attack's victims are
    named by the clause that details it; an attack with no recipient takes them."""
    for mention in mentions:
        if mention.event != "ASSAULT" or mention.recipients:
            continue
        anchor = mention.match.anchor
        for other in mentions:
            if other is not mention and other.event == "ASSAULT" and other.recipients \
                    and anchor in other.match.anchor.ancestors \
                    and other.match.anchor.dep_ in ("advcl", "conj", "xcomp", "acl"):
                mention.recipients = list(other.recipients)
                break


# ASSAULT modes that name the weapon (PLOVER), which ACLED's types turn on
_WEAPON_MODES = ("explosives", "suicide-attack", "aerial", "drone", "heavy-weapons",
                 "unconventional")


def _share_weapons(mentions: list[EventMention]) -> None:
    """"two soldiers were killed by the explosion of an IED", "a vehicle was struck by an
    IED …, one killed": a killing or an attack whose weapon is not said takes the weapon
    named in its sentence, when only one is."""
    named: dict[int, set[str]] = {}  # sentence start → the weapons its own triggers name
    for mention in mentions:
        if mention.event == "ASSAULT" and mention.mode in _WEAPON_MODES + ("firearms",):
            named.setdefault(mention.sentence.start, set()).add(mention.mode)
    for mention in mentions:
        weapons = named.get(mention.sentence.start, set())
        # (an IED "followed by small arms fire" is a complex attack: no one weapon)
        if mention.event == "ASSAULT" and mention.mode is None and len(weapons) == 1 \
                and "firearms" not in weapons:
            mention.weapon = next(iter(weapons))


_PURPOSE_DEPS = ("advcl", "xcomp", "acl", "conj")


def _subordinate_demands(mentions: list[EventMention]) -> None:
    """"students staged demonstrations to demand reforms", "demonstrated … calling for
    independence", "prisoners rioted, setting fire to their mattresses": the demand is
    what the protest is for, the fire how it went; the protest is the event. The
    demanders protest, and whom the demand addresses is whom the protest targets."""
    by_anchor = {m.match.anchor.i: m for m in mentions}
    for detail in mentions:
        anchor = detail.match.anchor
        manner = anchor.dep_ == "advcl" and bool({"Part", "Ger"} & set(anchor.morph.get(
            "VerbForm"))) and "Past" not in anchor.morph.get("Tense")
        if detail.event != "REQUEST" and not manner:
            continue
        token, purpose = anchor, True
        for _ in range(3):
            if token.dep_ not in _PURPOSE_DEPS or token.head.i == token.i:
                break
            # "would blockade Paris to demand an end to the reform": whatever act a demand
            # is the purpose of ("to …" clause) is the event; other links only to a protest
            purpose = purpose and token.dep_ == "advcl" and detail.event == "REQUEST"
            token = token.head
            carried = [token, *(c for c in token.children if c.dep_ == "obj")]
            protest = next((by_anchor[t.i] for t in carried if t.i in by_anchor and (
                purpose or by_anchor[t.i].match.entry.event == "PROTEST")), None)
            if protest is not None:
                detail.confidence = min(detail.confidence, round(protest.confidence - 0.05, 2))
                if not protest.actors:
                    protest.actors = list(detail.actors)
                if not protest.recipients and detail.event == "REQUEST" and \
                        protest.match.entry.event == "PROTEST":
                    protest.recipients = list(detail.recipients)
                break


def event_date(mention: EventMention, pub_date: dt.date | None):
    """(date, precision, date_text, date_source) for a mention."""
    if mention.date is not None and mention.date.value:
        return mention.date.value, mention.date.precision, mention.date.text, "text"
    if pub_date is not None:
        return pub_date.isoformat(), "day", None, "publication"
    return None, None, mention.date.text if mention.date else None, None
