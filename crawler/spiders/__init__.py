"""Cobweb's spiders: they parse responses and yield requests and records."""
