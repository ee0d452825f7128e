"""Rendering: prepare a letter once (numbered notes, citations), then write each format."""
