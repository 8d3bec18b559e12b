"""Where ``../shared`` is, and how tests that need it skip or fail.

``../shared`` (beside the project) holds reference material a new user's clone
does not have. Outside CI a test that needs it skips with the reason; in CI
(``.ci/run`` sets ``COBWEB_REQUIRE_SHARED=1``) it fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def require_shared(*parts: str) -> Path:
    """The path ``../shared/PARTS``; skip (or fail in CI) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"{path} is missing (reference material beside the project, present in CI)"
        if os.environ.get("COBWEB_REQUIRE_SHARED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return path
