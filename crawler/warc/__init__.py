"""WARC evidence: capture of every HTTP exchange, crash-safe files, reading them back.

See ``docs/evidence.md``.
"""
