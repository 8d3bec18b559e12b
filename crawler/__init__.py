"""Cobweb's crawler: the Scrapy project, the page store, extraction and the command line."""
