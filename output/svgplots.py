"""Inline SVG plots for the HTML report: campaign sizes and the campaigns' timeline.

The plots are plain SVG strings, with every label HTML-escaped, so the report
needs no plotting library and no network. Labels are measured (roughly: wide
for CJK, narrow for Latin) so the label column is as wide as the labels need,
up to a cap; a longer label ends in ``…`` and its full text is the tooltip,
never cut off by the plot's edge. A plot given fewer rows than there are
campaigns says how many it leaves out, and the timeline's ticks are spaced so
their labels never overlap, however short or long the span.

>>> svg = size_bars([Bar("telegram:<x>", 25, "#1f77b4"), Bar("wechat:y", 5, "#ff7f0e")], omitted=3)
>>> svg.startswith("<svg") and "telegram:&lt;x&gt;" in svg and svg.count("<rect") == 2
True
>>> "3 smaller campaigns not shown" in svg
True
>>> t = timeline([Track("c-1", "#1f77b4", ["2026-11-01T00:00:00Z", "2026-11-03T12:00:00Z"])])
>>> t.count("page fetched") == 2 and "2026-11-01" in t
True
>>> timeline([])
''
"""

from __future__ import annotations

import datetime as dt
import html
import math
import unicodedata
from dataclasses import dataclass, field

from output.text import one_line

__all__ = ["Bar", "Track", "size_bars", "timeline", "parse_time", "text_width", "time_ticks"]

_FONT_SIZE = 12
_FONT = f'font-family="system-ui, sans-serif" font-size="{_FONT_SIZE}"'
#: The label column never takes more than this share of the plot's width.
_LABEL_SHARE = 0.42


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value and its colour (``#rrggbb``)."""

    label: str
    value: float
    color: str


@dataclass(slots=True)
class Track:
    """One row of the timeline: a campaign's label and colour, and its pages' times (ISO 8601).

    ``published`` holds the pages' own dates (see :mod:`output.page_dates`),
    ``times`` the fetch times of the pages that state no date of their own.
    """

    label: str
    color: str
    times: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)


def text_width(text: str, size: float = _FONT_SIZE) -> float:
    """An estimate of ``text``'s width in pixels: full width for CJK, about 0.6 em for the rest.

    >>> text_width("abcd"), text_width("续期续期")
    (28.8, 48.0)
    """
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in ("W", "F"))
    return round((wide + 0.6 * (len(text) - wide)) * size, 1)


def _fit(text: str, room: float) -> str:
    """``text`` on one line, ending in ``…`` when it is wider than ``room`` pixels."""
    text = one_line(text)
    if text_width(text) <= room:
        return text
    while text and text_width(text + "\u2026") > room:
        text = text[:-1]
    return text + "\u2026"


def _label_column(labels: list[str], width: int) -> float:
    widest = max((text_width(one_line(s)) for s in labels), default=0.0)
    return min(widest, width * _LABEL_SHARE) + 16


def _svg_open(width: float, height: float, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" role="img"'
        f' viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}"'
        f" {_FONT}><title>{html.escape(title)}</title>"
    )


def _omitted_note(omitted: int, x: float, y: float, what: str) -> str:
    if omitted <= 0:
        return ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" fill="#555">+ {omitted} {what} not shown'
            " (see the campaigns table)</text>")


def size_bars(bars: list[Bar], *, width: int = 560, row: int = 22, omitted: int = 0) -> str:
    """A horizontal bar chart of campaign sizes (pages), largest first as given.

    ``omitted`` is how many smaller campaigns were left out; the plot says so.
    """
    if not bars:
        return ""
    left = _label_column([b.label for b in bars], width)
    right = text_width(f"{max(b.value for b in bars):g}") + 14
    top = 8
    note = 22 if omitted > 0 else 0
    height = top * 2 + row * len(bars) + note
    peak = max(b.value for b in bars) or 1.0
    span = width - left - right
    parts = [_svg_open(width, height, "Campaign sizes (pages)")]
    for i, bar in enumerate(bars):
        y = top + i * row
        w = max(span * bar.value / peak, 1.0)
        full = html.escape(one_line(bar.label))
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y + row * 0.68:.1f}" text-anchor="end">'
            f"<title>{full}</title>{html.escape(_fit(bar.label, left - 12))}</text>"
            f'<rect x="{left:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}"'
            f' fill="{html.escape(bar.color)}"><title>{full}: {bar.value:g}</title></rect>'
            f'<text x="{left + w + 6:.1f}" y="{y + row * 0.68:.1f}">{bar.value:g}</text>'
        )
    parts.append(_omitted_note(omitted, 8, height - 10, "smaller campaigns"))
    parts.append("</svg>")
    return "".join(parts)


def parse_time(value: str) -> dt.datetime | None:
    """An ISO 8601 time as an aware UTC datetime, ``None`` if it is not one.

    >>> parse_time("2026-11-23T05:02:15Z")
    datetime.datetime(2026, 11, 23, 5, 2, 15, tzinfo=datetime.timezone.utc)
    >>> parse_time("soon") is None
    True
    """
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


_DAY = 86400
#: Tick steps in seconds and the label format each uses.
_STEPS: tuple[tuple[int, str], ...] = (
    (1, "%H:%M:%S"), (5, "%H:%M:%S"), (15, "%H:%M:%S"), (30, "%H:%M:%S"),
    (60, "%H:%M"), (300, "%H:%M"), (900, "%H:%M"), (1800, "%H:%M"),
    (3600, "%H:%M"), (3 * 3600, "%H:%M"), (6 * 3600, "%H:%M"), (12 * 3600, "%m-%d %H:%M"),
    (_DAY, "%Y-%m-%d"), (2 * _DAY, "%Y-%m-%d"), (7 * _DAY, "%Y-%m-%d"),
    (14 * _DAY, "%Y-%m-%d"), (30 * _DAY, "%Y-%m"), (91 * _DAY, "%Y-%m"),
    (182 * _DAY, "%Y-%m"), (365 * _DAY, "%Y"), (5 * 365 * _DAY, "%Y"),
)


def time_ticks(start: dt.datetime, end: dt.datetime, room: float) -> list[tuple[dt.datetime, str]]:
    """Tick times and labels between ``start`` and ``end`` whose labels fit ``room`` pixels.

    The step is the smallest whose labels, each with a gap, fit side by side;
    ticks fall on multiples of the step (in UTC).

    >>> t0 = dt.datetime(2026, 11, 1, 10, 0, 5, tzinfo=dt.timezone.utc)
    >>> [label for _, label in time_ticks(t0, t0 + dt.timedelta(seconds=60), 320)]
    ['10:00:15', '10:00:30', '10:00:45', '10:01:00']
    >>> [label for _, label in time_ticks(t0, t0 + dt.timedelta(days=20), 320)]
    ['2026-11-05', '2026-11-12', '2026-11-19']
    """
    span = max((end - start).total_seconds(), 1.0)
    t0 = start.timestamp()
    for step, fmt in _STEPS:
        label_w = text_width(start.strftime(fmt)) + 14
        if step * room / span < label_w and step != _STEPS[-1][0]:
            continue  # neighbouring labels would overlap
        first = math.ceil(t0 / step) * step
        ticks = []
        t = first
        while t <= t0 + span:
            when = dt.datetime.fromtimestamp(t, dt.timezone.utc)
            ticks.append((when, when.strftime(fmt)))
            t += step
        return ticks
    return [(start, start.strftime("%Y"))]


def _date_range(start: dt.datetime, end: dt.datetime) -> str:
    a, b = start.strftime("%Y-%m-%d %H:%M"), end.strftime("%Y-%m-%d %H:%M")
    return f"{a} – {b} UTC" if a != b else f"{a} UTC"


def timeline(tracks: list[Track], *, width: int = 560, row: int = 24, max_marks: int = 240,
             omitted: int = 0) -> str:
    """When each campaign's pages appeared: a line from first to last, a dot per time bin.

    Filled dots are pages' own dates, rings fetch times of pages that state none.
    ``omitted`` is how many campaigns were left out; the plot says so.
    """
    parsed = []
    for t in tracks:
        own = sorted(p for p in map(parse_time, t.published) if p)
        fetched = sorted(p for p in map(parse_time, t.times) if p)
        if own or fetched:
            parsed.append((t, own, fetched))
    if not parsed:
        return ""
    start = min(min(o[:1] + f[:1]) for _, o, f in parsed)
    end = max(max(o[-1:] + f[-1:]) for _, o, f in parsed)
    span = max((end - start).total_seconds(), 1.0)
    left = _label_column([t.label for t, _, _ in parsed], width)
    right, top = 30, 8
    plot_w = width - left - right
    base = top + row * len(parsed) + 6
    note = 18 if omitted > 0 else 0
    height = base + 62 + note

    def x(when: dt.datetime) -> float:
        return left + plot_w * (when - start).total_seconds() / span

    parts = [_svg_open(width, height, "Campaign timeline")]
    for i, (track, own, fetched) in enumerate(parsed):
        y = top + i * row + row / 2
        color = html.escape(track.color)
        both = sorted(own + fetched)
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y + 4:.1f}" text-anchor="end">'
            f"<title>{html.escape(one_line(track.label))}</title>"
            f"{html.escape(_fit(track.label, left - 12))}</text>"
            f'<line x1="{x(both[0]):.1f}" y1="{y:.1f}" x2="{x(both[-1]):.1f}" y2="{y:.1f}"'
            f' stroke="{color}" stroke-width="3" stroke-linecap="round" stroke-opacity="0.5"/>'
        )
        for times, filled, what in ((fetched, False, "fetched"), (own, True, "dated")):
            bins: dict[int, int] = {}
            for when in times:
                b = int((when - start).total_seconds() / span * (max_marks - 1))
                bins[b] = bins.get(b, 0) + 1
            for b, count in sorted(bins.items()):
                cx = left + plot_w * b / (max_marks - 1)
                r = min(3 + count ** 0.5, 9)
                paint = (f'fill="{color}" fill-opacity="0.75"' if filled
                         else f'fill="#fff" stroke="{color}" stroke-width="1.5"')
                parts.append(
                    f'<circle cx="{cx:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}>'
                    f"<title>{count} page{'s' if count != 1 else ''} {what}</title></circle>"
                )
    parts.append(f'<line x1="{left:.1f}" y1="{base}" x2="{left + plot_w:.1f}" y2="{base}"'
                 ' stroke="#888"/>')
    for when, label in time_ticks(start, end, plot_w):
        tx = x(when)
        if tx + text_width(label) / 2 > width - 2:
            continue  # would run past the plot's edge
        parts.append(
            f'<line x1="{tx:.1f}" y1="{base}" x2="{tx:.1f}" y2="{base + 4}" stroke="#888"/>'
            f'<text x="{tx:.1f}" y="{base + 17}" text-anchor="middle" fill="#555">{label}</text>'
        )
    parts.append(
        f'<text x="8" y="{base + 36}" fill="#555">{_date_range(start, end)}</text>'
        f'<circle cx="14" cy="{base + 50}" r="4" fill="#555"/>'
        f'<text x="22" y="{base + 54}" fill="#555">page\'s own date</text>'
        f'<circle cx="134" cy="{base + 50}" r="4" fill="#fff" stroke="#555" stroke-width="1.5"/>'
        f'<text x="142" y="{base + 54}" fill="#555">fetch time (page states no date)</text>'
    )
    parts.append(_omitted_note(omitted, 8, height - 6, "campaigns"))
    parts.append("</svg>")
    return "".join(parts)
