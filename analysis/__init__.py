"""Cobweb's analysis: evidence weights, campaigns, the sites view and quality metrics.

The entry points:

- :func:`analysis.run.analyze_run` - analyze ``RUN_DIR/crawl.sqlite``, write
  ``RUN_DIR/campaigns.json``, return the document;
- :func:`analysis.sites.site_graph` - the domain-domain graph weighted by shared
  strong evidence (the sites view);
- :mod:`analysis.metrics` - ARI, pairwise precision/recall and B-cubed.
"""

from analysis.campaigns import format_table, read_campaigns, write_campaigns
from analysis.metrics import adjusted_rand_index, bcubed, pairwise_precision_recall
from analysis.run import analyze_run, analyze_store
from analysis.sites import site_graph

__all__ = [
    "analyze_run",
    "analyze_store",
    "site_graph",
    "format_table",
    "read_campaigns",
    "write_campaigns",
    "adjusted_rand_index",
    "pairwise_precision_recall",
    "bcubed",
]
