"""undersigned: joint advocacy letters as reviewed YAML, rendered to DOCX, HTML and text."""


def __getattr__(name: str):
    # The version is defined once, in pyproject.toml, and read from the installed metadata —
    # lazily: importlib.metadata costs every command ~20 ms of start-up otherwise.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("undersigned")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
