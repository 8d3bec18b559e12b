"""Data files of analysis (``shared_infrastructure.txt``); each names its sources."""
