"""Finding date expressions in a text and resolving them against the publication date.

All words live in data/lang/<lang>/time.yaml (see lexicon.py for the pattern
language); this module only knows what each *kind* of pattern means:

``date``      a calendar date from its parts: day, month, year, weekday, a
              relative day ("hier"), a season, a time of day;
``period``    the week / month / year… of the publication date, shifted by a
              direction ("la semaine dernière", "cette année");
``offset``    the publication date moved by a quantity ("il y a deux jours");
``duration``  a length of time ("pendant trois jours" → P3D);
``set``       a recurrence ("chaque jour", "tous les jeudis");
``fixed``     a constant TimeML value given by the pattern ("désormais" → PRESENT_REF);
``anchor``    a day given by the text itself (the last day mentioned, else the
              publication date): "la veille", "le lendemain", "à 18 h", "la nuit";
``block``     matched only to be thrown away ("âgé de 20 ans" is an age).

Besides its regex a pattern may give constants: ``offset`` (days added: "la
veille" -1), ``daypart`` (a TimeML part of day: NI), ``sign`` (of an offset: -1
"ago", +1 "from now"), ``dir`` (a default direction), ``unit``, ``num``,
``vague`` (an unspecified quantity: "ces derniers jours"), ``decade``, and for
``fixed`` patterns ``type`` and ``timex``.

Overlapping matches are settled longest span first, then by pattern order.  For
speed, a pattern is only tried near the words that announce it (lexicon.py).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from eventscribe.time import calendar as cal
from eventscribe.time.lexicon import Lexicon, Pattern, load_lexicon, trigger_key


@dataclass(frozen=True)
class TimeExpression:
    start: int                 # char offsets into the text given
    end: int
    text: str                  # == text[start:end]
    value: str | None          # 'YYYY-MM-DD' | 'YYYY-MM' | 'YYYY' | 'YYYY-Www'; None if unresolved
    precision: str | None      # 'day' | 'week' | 'month' | 'year'
    relative: bool             # needed the publication date (or another date of the text)
    timex_type: str            # TimeML type: DATE | TIME | DURATION | SET
    timex_value: str           # TimeML value ('2016-09-22', '2016-10-03TEV', 'P2D', 'PXY'…), '' if unknown
    mod: str | None = None     # TimeML mod: START | MID | END | APPROX | MORE_THAN | LESS_THAN…


@dataclass
class _Hit:
    start: int                 # the whole match (context included)
    end: int
    cstart: int                # the span reported
    cend: int
    pattern: Pattern
    slots: dict[str, Any]


@dataclass
class _Res:
    timex_type: str
    timex_value: str
    value: str | None = None
    precision: str | None = None
    relative: bool = False
    mod: str | None = None
    day: dt.date | None = None  # the day it names, when it names one


# a full stop followed by a capital, a digit or a quote (not "a.m. on"), or a new line;
# not after a lone letter ("M. Eltsine", "3 p.m. Monday")
_SENTENCE_END = re.compile(r"(?<![\s.]\w)(?<!^\w)[.!?\u2026]+"
                           r"(?=\s+[^\w\s]|\s+\d|\s+[^\W\d_](?<=[^\W\d_a-z\u00df-\u00ff])|\s*$)|\n")


def find_time_expressions(text: str, lang: str,
                          pub_date: dt.date | None) -> list[TimeExpression]:
    """Every time expression of ``text``, in order, resolved against ``pub_date``."""
    if isinstance(pub_date, dt.datetime):
        pub_date = pub_date.date()
    lex = load_lexicon(lang)
    hits = _select(_candidates(text, lex))
    if not hits:
        return []
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text)]

    def sentence(pos: int) -> int:
        return bisect.bisect_right(sentence_ends, pos)

    results: list[_Res | None] = [None] * len(hits)
    for i, hit in enumerate(hits):          # pass 1: everything that does not need an anchor
        if hit.pattern.kind != "anchor":
            results[i] = _resolve(hit, pub_date)
    for i, hit in enumerate(hits):          # pass 2: anchored on a day of the text
        if hit.pattern.kind == "anchor":
            results[i] = _resolve_anchor(hit, _anchor(i, hits, results, sentence, pub_date))

    out = []
    for hit, res in zip(hits, results):
        if res is None:
            continue
        out.append(TimeExpression(
            start=hit.cstart, end=hit.cend, text=text[hit.cstart:hit.cend],
            value=res.value, precision=res.precision if res.value else None,
            relative=res.relative, timex_type=res.timex_type,
            timex_value=res.timex_value, mod=res.mod or None))
    return out


# -- matching ------------------------------------------------------------------------

_SPACE = re.compile(r"\s")
# a pattern is tried from this far before to this far after one of its trigger words
_BEFORE, _AFTER = 40, 48


def _candidates(text: str, lex: Lexicon) -> list[_Hit]:
    """Every match of every pattern, each pattern tried only near its trigger words."""
    near: dict[int, list[tuple[int, int]]] = {}
    by_trigger = lex.by_trigger
    for m in lex.trigger_regex.finditer(text):
        key = trigger_key(m.group())
        for k in (key, key[:3]) if len(key) == 4 else (key,):
            for order in by_trigger.get(k, ()):
                near.setdefault(order, []).append(m.span())
    hits = []
    windows: dict[frozenset[str], list[tuple[int, int]]] = {}
    for order, spans in near.items():
        pat = lex.patterns[order]
        has_core = "core" in pat.regex.groupindex
        if pat.triggers not in windows:   # patterns with the same triggers share windows
            windows[pat.triggers] = list(_windows(text, spans))
        for lo, hi in windows[pat.triggers]:
            for m in pat.regex.finditer(text, lo, hi):
                if m.end() == m.start():
                    continue
                slots = lex.read(m)
                if slots is None:
                    continue
                cs, ce = m.span("core") if has_core and m.group("core") is not None else m.span()
                hits.append(_Hit(m.start(), m.end(), cs, ce, pat, slots))
    return hits


def _windows(text: str, spans: list[tuple[int, int]]):
    """Merged stretches of text around trigger words, ending on whitespace."""
    lo, hi = -1, -1
    for start, end in spans:
        a, b = max(0, start - _BEFORE), end + _AFTER
        if a <= hi:
            hi = max(hi, b)
            continue
        if hi >= 0:
            yield lo, _cut(text, hi)
        lo, hi = a, b
    if hi >= 0:
        yield lo, _cut(text, hi)


def _cut(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    m = _SPACE.search(text, pos)
    return m.start() if m else len(text)


def _select(hits: list[_Hit]) -> list[_Hit]:
    """Longest span first (then longest match, blocks first); overlapping ones are dropped."""
    hits.sort(key=lambda h: (-(h.cend - h.cstart), -(h.end - h.start),
                             h.pattern.kind != "block", h.start, h.pattern.order))
    starts: list[int] = []
    kept: list[_Hit] = []
    for h in hits:
        k = bisect.bisect_right(starts, h.start)
        if k and kept[k - 1].end > h.start:
            continue
        if k < len(starts) and starts[k] < h.end:
            continue
        starts.insert(k, h.start)
        kept.insert(k, h)
    return [h for h in kept if h.pattern.kind != "block"]


# -- resolving -----------------------------------------------------------------------

def _direction(s: dict[str, Any], p: dict[str, Any]) -> int | None:
    if "dir" in s:
        return s["dir"]
    if "this" in s:
        return 0
    return p.get("dir")


def _mod(s: dict[str, Any], p: dict[str, Any]) -> str | None:
    if s.get("part"):
        return s["part"]
    if s.get("mod"):
        return s["mod"]
    if "approxnum" in s:
        return "APPROX"
    return p.get("mod")


def _time_of_day(s: dict[str, Any], p: dict[str, Any]) -> str | None:
    if "hour" in s:
        hour, minute = s["hour"], s.get("minute", round(60 * s.get("half", 0)))
        if s.get("ampm") == "pm" and hour < 12:
            hour += 12
        elif s.get("ampm") == "am" and hour == 12:
            hour = 0
        if hour > 24 or (hour == 24 and minute):
            return None
        return f"{hour:02d}:{minute:02d}"
    return s.get("clockword") or s.get("daypart") or p.get("daypart")


def _unit(s: dict[str, Any], p: dict[str, Any]) -> str | None:
    return s.get("unit") or s.get("punit") or p.get("unit")


def _quantity(s: dict[str, Any], p: dict[str, Any]) -> float | None:
    """The number of a quantity; None when it is vague ('plusieurs jours')."""
    if "vague" in s or (p.get("vague") and "num" not in s):
        return None
    n = s.get("num", s.get("approxnum", p.get("num", 1)))
    return n + s.get("half", 0)


def _day_res(d: dt.date, relative: bool, tod: str | None, mod: str | None) -> _Res:
    iso = d.isoformat()
    if tod:
        return _Res("TIME", f"{iso}T{tod}", iso, "day", relative, mod, d)
    return _Res("DATE", iso, iso, "day", relative, mod, d)


def _resolve(hit: _Hit, pub: dt.date | None) -> _Res | None:
    s, p, kind = hit.slots, hit.pattern.params, hit.pattern.kind
    mod = _mod(s, p)
    if kind == "date":
        return _resolve_date(s, p, pub, mod)
    if kind == "period":
        return _resolve_period(s, p, pub, mod)
    if kind == "offset":
        unit, n = _unit(s, p), _quantity(s, p)
        sign = p.get("sign", -1)
        if n is None:
            return _Res("DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", mod=mod)
        if pub is None:
            return _Res("DATE", "", relative=True, mod=mod)
        shifted = cal.shift_by_unit(pub, sign * n, unit)
        if shifted is None:
            return None
        value, precision = shifted
        d = dt.date.fromisoformat(value) if precision == "day" else None
        return _Res("DATE", value, value, precision, True, mod, d)
    if kind == "duration":
        unit = _unit(s, p)
        return _Res("DURATION", p.get("timex") or cal.duration_timex(_quantity(s, p), unit), mod=mod)
    if kind == "set":
        if "weekday" in s:
            return _Res("SET", f"XXXX-WXX-{s['weekday']}", mod=mod)
        unit = _unit(s, p)
        return _Res("SET", p.get("timex") or cal.duration_timex(_quantity(s, p) or 1, unit))
    if kind == "fixed":
        return _Res(p.get("type", "DATE"), p.get("timex", ""), mod=mod)
    return None


def _resolve_date(s: dict[str, Any], p: dict[str, Any], pub: dt.date | None,
                  mod: str | None) -> _Res | None:
    direction = _direction(s, p)
    tod = _time_of_day(s, p)
    year = s.get("year")
    if year is None and "yy" in s:
        year = cal.century_year(s["yy"], pub)
    weekday = s.get("weekday")
    if "day" in s and "month" in s:
        month, day = s["month"], s["day"]
        if year is not None:
            d = cal.safe_date(year, month, day)
            return _day_res(d, False, tod, mod) if d else None
        if pub is None:
            return _Res("TIME" if tod else "DATE", f"XXXX-{month:02d}-{day:02d}",
                        relative=True, mod=mod)
        d = cal.choose_day(month, day, pub, direction, weekday)
        return _day_res(d, True, tod, mod) if d else None
    if "day" in s and weekday is not None:
        if pub is None:
            return _Res("DATE", "", relative=True, mod=mod)
        d = cal.day_with_weekday(s["day"], weekday, pub, direction)
        return _day_res(d, True, tod, mod) if d else None
    if "month" in s:
        month, relative = s["month"], False
        if year is None:
            if pub is None:
                return _Res("DATE", f"XXXX-{month:02d}", relative=True, mod=mod)
            (year, month), relative = cal.choose_month(month, pub, direction), True
        value = f"{year:04d}-{month:02d}"
        return _Res("DATE", value, value, "month", relative, mod)
    if "season" in s:
        season, relative = s["season"], False
        if year is None:
            if direction is None or pub is None:
                return _Res("DATE", f"XXXX-{season}", relative=direction is not None, mod=mod)
            year, relative = cal.choose_season(season, pub, direction), True
        return _Res("DATE", f"{year:04d}-{season}", f"{year:04d}", "year", relative, mod)
    if year is not None:
        if p.get("decade"):
            return _Res("DATE", f"{year:04d}"[:3], mod=mod)
        return _Res("DATE", f"{year:04d}", f"{year:04d}", "year", False, mod)
    if weekday is not None:
        if pub is None:
            return _Res("TIME" if tod else "DATE", "", relative=True, mod=mod)
        return _day_res(cal.weekday_date(weekday, pub, direction), True, tod, mod)
    if "relday" in s or "offset" in p:
        if pub is None:
            return _Res("TIME" if tod else "DATE", "", relative=True, mod=mod)
        offset = s.get("relday", 0) + p.get("offset", 0)
        return _day_res(pub + dt.timedelta(days=offset), True, tod, mod)
    return None


def _resolve_period(s: dict[str, Any], p: dict[str, Any], pub: dt.date | None,
                    mod: str | None) -> _Res | None:
    unit = _unit(s, p)
    direction = _direction(s, p) or 0
    if unit in ("S", "MIN", "H"):
        return None
    if pub is None:
        return _Res("DATE", "", relative=True, mod=mod)
    if unit == "D":
        return _day_res(pub + dt.timedelta(days=direction), True, None, mod)
    if unit == "W":
        week = cal.week_of(pub + dt.timedelta(weeks=direction))
        return _Res("DATE", week, week, "week", True, mod)
    if unit == "WE":
        week = cal.week_of(cal.weekend_of(pub, direction))
        return _Res("DATE", f"{week}-WE", week, "week", True, mod)
    if unit in ("M", "Q", "HY"):
        size = {"M": 1, "Q": 3, "HY": 6}[unit]
        y, m = cal.shift_month(pub.year, pub.month, size * direction)
        if unit == "M":
            value = f"{y:04d}-{m:02d}"
            return _Res("DATE", value, value, "month", True, mod)
        label = f"Q{(m - 1) // 3 + 1}" if unit == "Q" else f"H{(m - 1) // 6 + 1}"
        return _Res("DATE", f"{y:04d}-{label}", f"{y:04d}", "year", True, mod)
    if unit == "Y":
        value = f"{pub.year + direction:04d}"
        return _Res("DATE", value, value, "year", True, mod)
    if unit == "DE":
        return _Res("DATE", f"{pub.year + 10 * direction:04d}"[:3], relative=True, mod=mod)
    if unit == "CE":
        return _Res("DATE", f"{pub.year + 100 * direction:04d}"[:2], relative=True, mod=mod)
    return None


def _anchor(i: int, hits: list[_Hit], results: list[_Res | None], sentence,
            pub: dt.date | None) -> tuple[dt.date, bool] | None:
    """The day an anchored expression hangs on: a day named earlier in its sentence,
    else later in its sentence, else earlier in the text, else the publication date."""
    here = sentence(hits[i].cstart)
    before = None
    for j in range(i - 1, -1, -1):
        res = results[j]
        if res is not None and res.day is not None:
            before = (res.day, res.relative, sentence(hits[j].cstart))
            break
    if before and before[2] == here:
        return before[0], before[1]
    for j in range(i + 1, len(hits)):
        if sentence(hits[j].cstart) != here:
            break
        res = results[j]
        if res is not None and res.day is not None and hits[j].pattern.kind != "anchor":
            return res.day, res.relative
    if before:
        return before[0], before[1]
    return (pub, True) if pub is not None else None


def _resolve_anchor(hit: _Hit, anchor: tuple[dt.date, bool] | None) -> _Res | None:
    s, p = hit.slots, hit.pattern.params
    tod, mod = _time_of_day(s, p), _mod(s, p)
    if "hour" in s and tod is None:
        return None
    if anchor is None:
        return _Res("TIME" if tod else "DATE", "", relative=True, mod=mod)
    day, relative = anchor
    return _day_res(day + dt.timedelta(days=p.get("offset", 0)), relative, tod, mod)
