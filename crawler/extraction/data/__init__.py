"""Data files of extraction: lists that change (platforms, shorteners, markers).

Each file starts with ``#`` lines naming what it holds and its sources; read
them with :mod:`crawler.extraction.datafile`.
"""
