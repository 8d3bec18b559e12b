"""Cobweb's analysis: the page-artifact graph, evidence weights and campaigns."""
