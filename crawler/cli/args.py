"""Argument types shared by the commands: bad values are one-line errors (see :mod:`crawler.cli.main`).

>>> non_negative_int("3"), positive_int("1"), share("0.2")
(3, 1, 0.2)
>>> non_negative_int("-1")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: -1 is negative; give 0 or more
>>> share("1.5")
Traceback (most recent call last):
...
argparse.ArgumentTypeError: 1.5 is not a share; give a number above 0 and at most 1, like 0.2
>>> setting("CONCURRENT_REQUESTS=8")
('CONCURRENT_REQUESTS', '8')
"""

from __future__ import annotations

import argparse
import math
import re

__all__ = ["non_negative_int", "positive_int", "share", "setting"]


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is no whole number; give one like 3") from None


def non_negative_int(value: str) -> int:
    """A count that may be 0 (``--depth``, ``--max-pages``)."""
    n = _int(value)
    if n < 0:
        raise argparse.ArgumentTypeError(f"{n} is negative; give 0 or more")
    return n


def positive_int(value: str) -> int:
    """A count of at least 1 (``--min-sites``, ``--min-pages``)."""
    n = _int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n} is below 1; give 1 or more")
    return n


def share(value: str) -> float:
    """A share above 0 and at most 1 (``--ubiquity``)."""
    try:
        x = float(value)
    except ValueError:
        x = math.nan
    if not 0 < x <= 1:
        raise argparse.ArgumentTypeError(
            f"{value} is not a share; give a number above 0 and at most 1, like 0.2")
    return x


def setting(value: str) -> tuple[str, str]:
    """A Scrapy setting given as ``NAME=VALUE`` (``cobweb crawl -s``)."""
    name, eq, val = value.partition("=")
    if not eq or not re.fullmatch(r"[A-Z][A-Z0-9_]*", name.strip()):
        raise argparse.ArgumentTypeError(
            f"{value!r} is no NAME=VALUE setting; give one like -s CONCURRENT_REQUESTS=8")
    return name.strip(), val
