"""Declarative flow definitions and their loader."""
