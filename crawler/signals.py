"""Cobweb's own Scrapy signals.

:data:`request_rejected` is sent by any component that refuses a request or a
response (safety middlewares, limits, the scheduler), with keyword arguments
``request`` (the :class:`scrapy.Request`), ``reason`` (a
:data:`crawler.records.DropReason` code) and ``detail`` (free text for humans)::

    self.crawler.signals.send_catch_log(
        request_rejected, request=request, reason="forbidden_address", detail="10.0.0.5"
    )

:class:`crawler.pipelines.StorePipeline` records each one as a
:class:`crawler.records.DropRecord` in the run's store.

>>> isinstance(request_rejected, object) and request_rejected is not None
True
"""

from __future__ import annotations

__all__ = ["request_rejected"]

#: Sent with ``request``, ``reason`` (DropReason) and ``detail`` (str) when a request is refused.
request_rejected = object()
