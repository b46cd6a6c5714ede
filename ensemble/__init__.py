"""Ensemble: open collaborative creative production."""
