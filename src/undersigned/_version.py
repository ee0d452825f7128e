"""The version, defined once: pyproject.toml reads it from here (setuptools' dynamic version)."""

__version__ = "0.1.0"
