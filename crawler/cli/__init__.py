"""The ``cobweb`` command line: one module per command."""
