"""Cobweb's Scrapy downloader and spider middlewares, one job per module."""
