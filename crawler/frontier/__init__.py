"""The crawl frontier: a durable queue of canonical URLs behind one interface.

:class:`Frontier` is the interface, :class:`SQLiteFrontier` the default
implementation (tables in ``RUN_DIR/crawl.sqlite``).
"""

from crawler.frontier.base import STATES, EntryState, Frontier, FrontierEntry
from crawler.frontier.sqlite import SQLiteFrontier

__all__ = ["Frontier", "FrontierEntry", "EntryState", "STATES", "SQLiteFrontier"]
