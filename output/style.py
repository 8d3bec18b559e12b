"""Colours and sizes shared by the GEXF export and the HTML report.

Pages and sites of a campaign take the campaign's colour from a fixed
palette (in the order of ``campaigns.json``, strongest first; past its ten
colours, hues a golden angle apart, so colours do not repeat); everything
else is coloured by kind. Every colour carries an alpha.

>>> kind_color("handle")
(214, 39, 40, 1.0)
>>> palette = campaign_palette(["c-1", "c-2"])
>>> palette["c-1"], palette["c-2"]
((31, 119, 180, 1.0), (255, 127, 14, 1.0))
>>> node_size(0), node_size(1), node_size(100) > node_size(10)
(4.0, 4.0, True)
>>> hex_color((31, 119, 180, 1.0))
'#1f77b4'
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Iterable

__all__ = [
    "Color",
    "KIND_COLORS",
    "CAMPAIGN_COLORS",
    "kind_color",
    "campaign_palette",
    "extra_color",
    "node_size",
    "hex_color",
]

Color = tuple[int, int, int, float]

#: Colour by node kind; pages outside any campaign are light grey.
KIND_COLORS: dict[str, Color] = {
    "page": (189, 189, 189, 0.8),
    "site": (150, 150, 150, 0.9),
    "campaign": (44, 44, 44, 1.0),
    "handle": (214, 39, 40, 1.0),
    "invite": (227, 119, 194, 1.0),
    "image": (148, 103, 189, 1.0),
    "image_host": (197, 176, 213, 0.9),
    "domain": (127, 127, 127, 0.7),
    "tracking_id": (140, 86, 75, 1.0),
    "wallet": (188, 189, 34, 1.0),
    "redirect": (23, 190, 207, 1.0),
    "link": (0, 128, 128, 1.0),
    "landing": (70, 70, 160, 1.0),
}
_OTHER: Color = (120, 120, 120, 0.8)

#: Campaign palette (Tableau 10 without the red, grey and olive used by kinds).
CAMPAIGN_COLORS: tuple[Color, ...] = (
    (31, 119, 180, 1.0),
    (255, 127, 14, 1.0),
    (44, 160, 44, 1.0),
    (23, 100, 120, 1.0),
    (255, 187, 120, 1.0),
    (152, 223, 138, 1.0),
    (174, 199, 232, 1.0),
    (255, 152, 150, 1.0),
    (196, 156, 148, 1.0),
    (158, 218, 229, 1.0),
)


def kind_color(kind: str) -> Color:
    """The colour of a node kind."""
    return KIND_COLORS.get(kind, _OTHER)


def extra_color(i: int) -> Color:
    """The ``i``-th colour after :data:`CAMPAIGN_COLORS`: hues a golden angle apart.

    Successive colours differ in hue by about 137.5°, and lightness and
    saturation cycle through three levels, so no two of the first hundred
    campaigns share a colour.

    >>> extra_color(0) != extra_color(1) != extra_color(2)
    True
    """
    hue = (i * 137.508 + 20.0) % 360 / 360
    light = (0.42, 0.58, 0.34)[i % 3]
    sat = (0.75, 0.6, 0.9)[(i // 3) % 3]
    r, g, b = colorsys.hls_to_rgb(hue, light, sat)
    return (round(r * 255), round(g * 255), round(b * 255), 1.0)


def campaign_palette(campaign_ids: Iterable[str]) -> dict[str, Color]:
    """A colour per campaign id: :data:`CAMPAIGN_COLORS` first, then :func:`extra_color`.

    >>> ids = [f"c-{i}" for i in range(100)]
    >>> len(set(campaign_palette(ids).values()))
    100
    """
    n = len(CAMPAIGN_COLORS)
    return {
        cid: CAMPAIGN_COLORS[i] if i < n else extra_color(i - n)
        for i, cid in enumerate(campaign_ids)
    }


def node_size(count: int | float) -> float:
    """A node's drawn size from its degree or page count: 4 at most one, growing with the log."""
    return round(4.0 + 6.0 * math.log10(max(float(count), 1.0)), 3)


def hex_color(color: Color) -> str:
    """``#rrggbb`` of a colour (alpha left out)."""
    r, g, b, _ = color
    return f"#{r:02x}{g:02x}{b:02x}"
