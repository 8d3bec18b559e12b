"""Inline SVG plots for the HTML report: campaign sizes and the campaigns' timeline.

The plots are plain SVG strings, with every label HTML-escaped, so the report
needs no plotting library and no network.

>>> svg = size_bars([Bar("telegram:<x>", 25, "#1f77b4"), Bar("wechat:y", 5, "#ff7f0e")])
>>> svg.startswith("<svg") and "telegram:&lt;x&gt;" in svg and svg.count("<rect") == 2
True
>>> t = timeline([Track("c-1", "#1f77b4", ["2026-11-01T00:00:00Z", "2026-11-03T12:00:00Z"])])
>>> t.count("<circle") == 2 and "2026-11-01" in t
True
>>> timeline([])
''
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from output.text import one_line

__all__ = ["Bar", "Track", "size_bars", "timeline", "parse_time"]

_FONT = 'font-family="system-ui, sans-serif" font-size="12"'


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, its value and its colour (``#rrggbb``)."""

    label: str
    value: float
    color: str


@dataclass(slots=True)
class Track:
    """One row of the timeline: a campaign's label, colour and page fetch times (ISO 8601)."""

    label: str
    color: str
    times: list[str] = field(default_factory=list)


def _esc(text: str, limit: int = 40) -> str:
    text = one_line(text)
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return html.escape(text, quote=True)


def size_bars(bars: list[Bar], *, width: int = 560, row: int = 22) -> str:
    """A horizontal bar chart of campaign sizes (pages), largest first as given."""
    if not bars:
        return ""
    left, right = 190, 50
    top = 8
    height = top * 2 + row * len(bars)
    peak = max(b.value for b in bars) or 1.0
    span = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" role="img" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" {_FONT}><title>Campaign sizes (pages)</title>'
    ]
    for i, bar in enumerate(bars):
        y = top + i * row
        w = max(span * bar.value / peak, 1.0)
        parts.append(
            f'<text x="{left - 8}" y="{y + row * 0.68:.1f}" text-anchor="end">{_esc(bar.label)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}"'
            f' fill="{html.escape(bar.color)}"><title>{_esc(bar.label, 200)}: {bar.value:g}</title></rect>'
            f'<text x="{left + w + 6:.1f}" y="{y + row * 0.68:.1f}">{bar.value:g}</text>'
        )
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


def _tick_label(when: dt.datetime, span: float) -> str:
    if span < 2 * 86400:
        return when.strftime("%Y-%m-%d %H:%M")
    return when.strftime("%Y-%m-%d")


def timeline(tracks: list[Track], *, width: int = 560, row: int = 24, max_marks: int = 240) -> str:
    """When each campaign's pages were seen: a line from first to last, a dot per time bin."""
    parsed = [(t, sorted(p for p in map(parse_time, t.times) if p)) for t in tracks]
    parsed = [(t, times) for t, times in parsed if times]
    if not parsed:
        return ""
    start = min(times[0] for _, times in parsed)
    end = max(times[-1] for _, times in parsed)
    span = max((end - start).total_seconds(), 60.0)
    left, right, top, axis = 190, 50, 8, 34
    plot_w = width - left - right
    height = top + row * len(parsed) + axis

    def x(when: dt.datetime) -> float:
        return left + plot_w * (when - start).total_seconds() / span

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" role="img" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" {_FONT}><title>Campaign timeline</title>'
    ]
    for i, (track, times) in enumerate(parsed):
        y = top + i * row + row / 2
        color = html.escape(track.color)
        parts.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{_esc(track.label)}</text>'
            f'<line x1="{x(times[0]):.1f}" y1="{y:.1f}" x2="{x(times[-1]):.1f}" y2="{y:.1f}"'
            f' stroke="{color}" stroke-width="3" stroke-linecap="round"/>'
        )
        bins: dict[int, int] = {}
        for when in times:
            b = int((when - start).total_seconds() / span * (max_marks - 1))
            bins[b] = bins.get(b, 0) + 1
        for b, count in sorted(bins.items()):
            cx = left + plot_w * b / (max_marks - 1)
            r = min(3 + count ** 0.5, 9)
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{color}" fill-opacity="0.7">'
                f"<title>{count} page{'s' if count != 1 else ''}</title></circle>"
            )
    base = top + row * len(parsed) + 6
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#888"/>')
    for frac, anchor in ((0.0, "start"), (0.5, "middle"), (1.0, "end")):
        when = start + dt.timedelta(seconds=span * frac)
        parts.append(
            f'<text x="{left + plot_w * frac:.1f}" y="{base + 18}" text-anchor="{anchor}"'
            f' fill="#555">{_tick_label(when, span)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
