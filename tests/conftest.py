"""Shared fixtures. Tests never touch the network: synthetic sites are served on 127.0.0.1."""
