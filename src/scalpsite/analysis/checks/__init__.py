"""The checks of `scalpsite check`: the record, the photos, the names and plausible values."""
