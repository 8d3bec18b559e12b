"""Several worker processes on one crawl (``cobweb crawl --workers N``).

:func:`crawler.workers.coordinator.run_workers` starts N worker processes
(:mod:`crawler.workers.worker`, each an ordinary Scrapy crawl with its own
``COBWEB_WORKER_ID``) on one run folder: they share its SQLite frontier and
store, each writes its own WARC files, and a per-site budget holds politeness
across them. See ``docs/workers.md``.
"""
