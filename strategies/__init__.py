"""Hypothesis strategies (see issue: strategies)."""
