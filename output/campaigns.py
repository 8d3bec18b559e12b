"""Reading ``RUN_DIR/campaigns.json`` (see docs/campaigns.md) for the exports.

The document itself is :mod:`analysis.campaigns`'s; this module adds what the
exports need: a missing file is not an error for the ``pages`` view, and the
evidence weights by artifact.

>>> doc = {"schema": "cobweb.campaigns/1", "campaigns": [
...     {"id": "c-1", "pages": ["http://a.com/1", "http://b.com/2"],
...      "evidence": [{"kind": "handle", "label": "telegram:x", "weight": 3.0}]},
...     {"id": "c-2", "pages": ["http://b.com/2", "http://c.com/3"], "evidence": []}]}
>>> evidence_weights(doc)
{('handle', 'telegram:x'): 3.0}
>>> campaign_list(None)
[]
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from analysis.campaigns import CAMPAIGNS_FILENAME, read_campaigns

__all__ = [
    "CAMPAIGNS_FILENAME",
    "CampaignsDoc",
    "load_campaigns",
    "campaign_list",
    "evidence_weights",
]

logger = logging.getLogger(__name__)

CampaignsDoc = dict[str, Any]


def load_campaigns(run_dir: str | Path) -> CampaignsDoc | None:
    """The run's ``campaigns.json``, or ``None`` (logged) when the run has not been analyzed."""
    path = Path(run_dir) / CAMPAIGNS_FILENAME
    if not path.exists():
        logger.warning(
            "%s not found: exporting without campaigns (run `cobweb analyze %s` first)",
            path,
            run_dir,
        )
        return None
    return read_campaigns(path)


def campaign_list(doc: CampaignsDoc | None) -> list[dict[str, Any]]:
    """The campaigns of a document, strongest first; empty for ``None``."""
    if not doc:
        return []
    return [c for c in doc.get("campaigns", []) if isinstance(c, dict) and c.get("id")]


def evidence_weights(doc: CampaignsDoc | None) -> dict[tuple[str, str], float]:
    """``(kind, label)`` of every evidence artifact to its highest evidence weight."""
    weights: dict[tuple[str, str], float] = {}
    for campaign in campaign_list(doc):
        for ev in campaign.get("evidence", []):
            try:
                key = (str(ev["kind"]), str(ev["label"]))
                weight = float(ev.get("weight", 1.0))
            except (KeyError, TypeError, ValueError):
                continue
            weights[key] = max(weight, weights.get(key, weight))
    return weights
