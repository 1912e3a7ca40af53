"""The processors: inspect each uploaded object and record what it is in the metadata table."""
