"""Capabilities beyond metric queries, each built from settings by a `build` function."""
