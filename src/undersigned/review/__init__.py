"""Reviewing changes: canonical layout (fmt), the semantic diff, files at git revisions."""
