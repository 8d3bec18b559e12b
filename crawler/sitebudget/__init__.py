"""Per-site politeness held across every worker of a crawl.

:class:`SiteBudget` is the interface, :class:`SQLiteSiteBudget` the one of the
workers of one machine (``RUN_DIR/sites.sqlite``); the Redis one (issue 11,
``crawler.sitebudget.redis``) serves workers on several machines. The class is
named by ``COBWEB_SITE_BUDGET_CLASS``; :mod:`crawler.middlewares.sitebudget`
uses it. See ``docs/workers.md``.
"""

from crawler.sitebudget.base import SiteBudget, site_limits

__all__ = ["SiteBudget", "site_limits"]
