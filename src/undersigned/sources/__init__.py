"""Cited sources: link checks, the archive of what sources said, quotations, the network guard."""
