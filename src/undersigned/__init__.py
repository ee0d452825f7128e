"""undersigned: joint advocacy letters as reviewed YAML, rendered to DOCX, HTML and text."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("undersigned")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
