"""Scores and rules: pure functions from the journal (and photo facts) to the analysis."""
