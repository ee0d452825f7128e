"""undersigned: joint advocacy letters as reviewed YAML, rendered to DOCX, HTML and text."""

from ._version import __version__

__all__ = ["__version__"]
