"""Rendering: prepare a letter once (numbered notes, formatted citations), then write each format."""
