"""Due dates said out loud: "by Friday", "by the twentieth", "by March 20".

Only explicit dates are recognised; anything else means "by the next meeting".
A date is always resolved forward from the meeting date (a contract is about
the next two weeks, never the past).
"""

from __future__ import annotations

import datetime as dt
import re

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty first": 21,
    "twenty-second": 22, "twenty second": 22, "twenty-third": 23, "twenty third": 23,
    "twenty-fourth": 24, "twenty fourth": 24, "twenty-fifth": 25, "twenty fifth": 25,
    "twenty-sixth": 26, "twenty sixth": 26, "twenty-seventh": 27, "twenty seventh": 27,
    "twenty-eighth": 28, "twenty eighth": 28, "twenty-ninth": 29, "twenty ninth": 29,
    "thirtieth": 30, "thirty-first": 31, "thirty first": 31,
}
_DAY = r"\d{1,2}(?:st|nd|rd|th)?|" + "|".join(
    sorted((re.escape(k) for k in ORDINALS), key=len, reverse=True))
_MONTH = "|".join(MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec"
# "I" is in the list because small Whisper models often hear "by" as "I"; a pronoun
# directly before a date ("I March 20") is never what someone said.
# "my" likewise, but only right before a month and day that end the clause.
_PREP = (r"\b(?:by|on|before|until|till|due|I(?=\s+(?:the\s+\w+|next\s+\w+|\w+day|"
         r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)\b)"
         r"|my(?=\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2}"
         r"(?:st|nd|rd|th)?\s*(?:[.,;!?]|$)))\s+")
RE_MONTH_DAY = re.compile(_PREP + rf"(?:the\s+)?({_MONTH})\.?\s+(?:the\s+)?({_DAY})\b", re.I)
_WEEKDAY = "|".join(WEEKDAYS)
# "by Friday the thirteenth" names a day of the month, not the coming Friday; and the
# weekday says which month's 13th (the next one that is a Friday).
RE_DAY_OF_MONTH = re.compile(
    _PREP + rf"(?:({_WEEKDAY}),?\s+(?:the\s+|my\s+)?|(?:the|my)\s+)({_DAY})"
    rf"(?:\s+of\s+({_MONTH}))?\b",
    re.I)  # "my 20th": tiny Whisper models hear "the" as "my" before an ordinal
RE_WEEKDAY = re.compile(_PREP + r"(?:next\s+|this\s+)?(" + "|".join(WEEKDAYS) + r")\b", re.I)
RE_THIS_WEEK = re.compile(r"\b(?:this|by the end of the|end of this)\s+week\b", re.I)


_MISHEARD_BY = re.compile(
    r",?\s+(?:I(?=\s+(?:the\s+\d|the\s+(?:" + "|".join(ORDINALS) + r")\b|next\s+\w+day|"
    r"(?:" + "|".join(WEEKDAYS) + r")\b|(?:" + "|".join(MONTHS) + r")\s+\d))"
    r"|my(?=\s+(?:" + "|".join(MONTHS) + r")\s+\d{1,2}(?:st|nd|rd|th)?\s*(?:[.,;!?]|$)))",
    re.I)


def fix_misheard_by(text: str) -> str:
    """"update my statement, I Friday the 13th" -> "update my statement by Friday the 13th"."""
    return _MISHEARD_BY.sub(" by", text)


def _day(token: str) -> int | None:
    token = token.lower()
    if token in ORDINALS:
        return ORDINALS[token]
    m = re.match(r"(\d{1,2})", token)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 31 else None


def _month(token: str) -> int:
    token = token.lower()[:3]
    return [m[:3] for m in MONTHS].index(token) + 1


def _safe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _forward(meeting: dt.date, month: int, day: int) -> dt.date | None:
    d = _safe(meeting.year, month, day)
    if d is not None and d < meeting:
        d = _safe(meeting.year + 1, month, day)
    return d


def _weekday_the(meeting: dt.date, weekday: int, day: int) -> dt.date | None:
    """"Friday the 13th": the next 13th if it is a Friday, or the one after; else (a slip of
    the tongue or of the ear) the Friday nearest the next 13th, so the date is a Friday."""
    month = meeting.replace(day=1)
    first: dt.date | None = None
    for _ in range(3):
        d = _safe(month.year, month.month, day)
        if d is not None and d > meeting:
            if d.weekday() == weekday:
                return d
            first = first or d
        month = (month + dt.timedelta(days=32)).replace(day=1)
    if first is None:
        return None
    shift = (weekday - first.weekday()) % 7  # 0..6 days later, or 7 - shift earlier
    d = first + dt.timedelta(days=shift if shift <= 3 else shift - 7)
    return d if d > meeting else d + dt.timedelta(days=7)


def strip_due(text: str) -> str:
    """`text` without its due-date words ("finish them by my 20th" -> "finish them")."""
    for pattern in (RE_MONTH_DAY, RE_DAY_OF_MONTH, RE_WEEKDAY):
        if m := pattern.search(text):
            return (text[: m.start()] + " " + text[m.end():]).strip()
    return text


def due_phrase(text: str) -> str | None:
    """The words that name the due date ("by the 20th"), with a misheard "I" read as "by"."""
    for pattern in (RE_MONTH_DAY, RE_DAY_OF_MONTH, RE_WEEKDAY):
        if m := pattern.search(text):
            phrase = m.group(0).strip()
            phrase = re.sub(r"^(?:I|my|by)\b", "by", phrase, flags=re.I)
            return re.sub(r"\bmy\b", "the", phrase)
    return None


def find_due(text: str, meeting: dt.date) -> dt.date | None:
    """The explicit due date said in `text`, resolved forward from `meeting`."""
    if m := RE_MONTH_DAY.search(text):
        day = _day(m.group(2))
        if day:
            return _forward(meeting, _month(m.group(1)), day)
    if m := RE_DAY_OF_MONTH.search(text):
        day = _day(m.group(2))
        if day:
            if m.group(3):
                return _forward(meeting, _month(m.group(3)), day)
            if m.group(1):
                return _weekday_the(meeting, WEEKDAYS.index(m.group(1).lower()), day)
            d = _safe(meeting.year, meeting.month, day)
            if d is None or d <= meeting:  # "by the 3rd" said on the 20th means next month
                nxt = (meeting.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
                d = _safe(nxt.year, nxt.month, day)
            return d
    if m := RE_WEEKDAY.search(text):
        target = WEEKDAYS.index(m.group(1).lower())
        ahead = (target - meeting.weekday()) % 7 or 7
        if "next" in m.group(0).lower():
            ahead += 7 if ahead < 7 else 0
        return meeting + dt.timedelta(days=ahead)
    if RE_THIS_WEEK.search(text):
        ahead = (4 - meeting.weekday()) % 7  # Friday of this week
        return meeting + dt.timedelta(days=ahead)
    return None
