"""Time stage: date expressions and their resolution against the publication date.

    from eventscribe.time import find_time_expressions
    find_time_expressions("lancée le 22 septembre", "fr", datetime.date(2016, 10, 4))

The words of each language are in data/lang/<lang>/time.yaml; the code here
knows none of them.
"""

from eventscribe.time.expressions import TimeExpression, find_time_expressions
from eventscribe.time.lexicon import load_lexicon, supported_languages

__all__ = ["TimeExpression", "find_time_expressions", "load_lexicon", "supported_languages"]
