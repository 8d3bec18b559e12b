"""Cobweb's exporters: GEXF, GraphML, CSV, JSON and the HTML report."""
