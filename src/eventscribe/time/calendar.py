"""Calendar arithmetic for resolving time expressions (no language here).

Conventions: weekdays are ISO numbers (1 = Monday … 7 = Sunday); weeks are ISO
weeks; a "direction" is -1 (the last such one, strictly before), +1 (the next
one, strictly after), 0 ("this" one) or None (no cue: the nearest, preferring
the past, since news mostly reports what already happened).
"""

from __future__ import annotations

import datetime as dt

# A date after the reference counts this many times its distance: "le 22
# septembre" in an article of 4 October is 12 days ago, not 353 days ahead.
FUTURE_WEIGHT = 2

# TimeML unit letters for a unit code of the lexicons; a code may stand for a
# multiple of a TimeML unit (a quarter is three months).
UNIT_TIMEX: dict[str, tuple[str, int, bool]] = {
    # code: (timex letter, multiplier, is a time-of-day unit)
    "S": ("S", 1, True),
    "MIN": ("M", 1, True),
    "H": ("H", 1, True),
    "D": ("D", 1, False),
    "WE": ("WE", 1, False),
    "W": ("W", 1, False),
    "M": ("M", 1, False),
    "Q": ("M", 3, False),
    "HY": ("M", 6, False),
    "Y": ("Y", 1, False),
    "DE": ("DE", 1, False),
    "CE": ("CE", 1, False),
}


def _cost(delta_days: int) -> int:
    """How unlikely a candidate is, given its signed distance from the reference."""
    return -delta_days if delta_days <= 0 else FUTURE_WEIGHT * delta_days


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def choose_day(month: int, day: int, ref: dt.date, direction: int | None,
               weekday: int | None = None) -> dt.date | None:
    """The year for a day and month written without one."""
    cands = [d for y in (ref.year - 1, ref.year, ref.year + 1)
             if (d := safe_date(y, month, day)) is not None]
    if weekday is not None and any(d.isoweekday() == weekday for d in cands):
        cands = [d for d in cands if d.isoweekday() == weekday]
    return _pick(cands, ref, direction)


def day_with_weekday(day: int, weekday: int, ref: dt.date,
                     direction: int | None) -> dt.date | None:
    """'jeudi 12' without a month: a nearby month whose 12th is a Thursday."""
    cands = []
    for shift in (-2, -1, 0, 1, 2):
        y, m = shift_month(ref.year, ref.month, shift)
        d = safe_date(y, m, day)
        if d is not None and d.isoweekday() == weekday:
            cands.append(d)
    if not cands:
        return None
    return _pick(cands, ref, direction)


def _pick(cands: list[dt.date], ref: dt.date, direction: int | None) -> dt.date | None:
    if direction is not None and direction < 0:
        cands = [d for d in cands if d < ref]
        return max(cands) if cands else None
    if direction is not None and direction > 0:
        cands = [d for d in cands if d > ref]
        return min(cands) if cands else None
    return min(cands, key=lambda d: _cost((d - ref).days)) if cands else None


def choose_month(month: int, ref: dt.date, direction: int | None) -> tuple[int, int]:
    """The year for a month written without one."""
    here = ref.year * 12 + ref.month - 1
    cands = [y * 12 + month - 1 for y in (ref.year - 1, ref.year, ref.year + 1)]
    if direction is not None and direction < 0:
        best = max(c for c in cands if c < here)
    elif direction is not None and direction > 0:
        best = min(c for c in cands if c > here)
    else:
        best = min(cands, key=lambda c: _cost(c - here))
    return best // 12, best % 12 + 1


def choose_season(season: str, ref: dt.date, direction: int | None) -> int:
    """The year of 'cet été', 'l'hiver dernier' (a winter is dated by its start)."""
    start_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}.get(season, 1)
    here = ref.year * 12 + ref.month - 1
    cands = [y * 12 + start_month - 1 for y in (ref.year - 1, ref.year, ref.year + 1)]
    if direction is not None and direction < 0:
        best = max(c for c in cands if c + 3 <= here)
    elif direction is not None and direction > 0:
        best = min(c for c in cands if c > here)
    else:  # the season we are in, or the nearest one
        best = min(cands, key=lambda c: 0 if c <= here < c + 3 else _cost(c - here))
    return best // 12


def weekday_date(weekday: int, ref: dt.date, direction: int | None) -> dt.date:
    """'lundi' (nearest past or same day), 'lundi dernier', 'lundi prochain', 'ce lundi' (nearest)."""
    back = (ref.isoweekday() - weekday) % 7
    if direction is None:
        return ref - dt.timedelta(days=back)
    if direction < 0:
        return ref - dt.timedelta(days=back or 7)
    if direction > 0:
        return ref + dt.timedelta(days=(weekday - ref.isoweekday()) % 7 or 7)
    ahead = (weekday - ref.isoweekday()) % 7   # "ce lundi": the nearest one
    return ref + dt.timedelta(days=ahead) if ahead < back else ref - dt.timedelta(days=back)


def shift_month(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + month - 1 + n
    return k // 12, k % 12 + 1


def week_of(d: dt.date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def weekend_of(ref: dt.date, direction: int) -> dt.date:
    """The Saturday of 'ce week-end' (the coming one from Thursday on, else the last one)."""
    day6 = ref + dt.timedelta(days=6 - ref.isoweekday())
    if direction == 0 and ref.isoweekday() <= 3:
        day6 -= dt.timedelta(days=7)
    return day6 + dt.timedelta(days=7 * direction)


def century_year(yy: int, ref: dt.date | None) -> int:
    """A two-digit year: the latest year ending so that is not after next year."""
    if ref is None:
        return 1900 + yy if yy >= 30 else 2000 + yy
    year = ref.year - ref.year % 100 + yy
    return year - 100 if year > ref.year + 1 else year


def fmt_number(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


def duration_timex(n: float | None, unit: str) -> str:
    """'P3D', 'PT2H', 'PXY' (n None: an unspecified quantity)."""
    letter, mult, is_time = UNIT_TIMEX[unit]
    qty = "X" if n is None else fmt_number(n * mult)
    return f"P{'T' if is_time else ''}{qty}{letter}"


def shift_by_unit(ref: dt.date, n: float, unit: str) -> tuple[str, str] | None:
    """ref moved by n units: (value, precision) at the granularity of the unit."""
    letter, mult, is_time = UNIT_TIMEX[unit]
    n = n * mult
    if is_time:
        hours = n * {"S": 1 / 3600, "M": 1 / 60, "H": 1}[letter]
        return (ref + dt.timedelta(hours=hours) if hours >= 24 or hours <= -24
                else ref).isoformat(), "day"
    if letter == "D":
        return (ref + dt.timedelta(days=round(n))).isoformat(), "day"
    if letter in ("W", "WE"):
        if not float(n).is_integer():
            return (ref + dt.timedelta(days=round(7 * n))).isoformat(), "day"
        return week_of(ref + dt.timedelta(weeks=n)), "week"
    if letter == "M":
        if not float(n).is_integer():
            return None
        y, m = shift_month(ref.year, ref.month, int(n))
        return f"{y:04d}-{m:02d}", "month"
    years = n * {"Y": 1, "DE": 10, "CE": 100}[letter]
    if float(years).is_integer():
        return f"{ref.year + int(years):04d}", "year"
    y, m = shift_month(ref.year, ref.month, round(12 * years))
    return f"{y:04d}-{m:02d}", "month"
