"""One module per subcommand, loaded only when that command runs (or --help lists them all)."""

from __future__ import annotations

import importlib
from importlib.util import find_spec

# (module, command function name), in the order users meet the commands.
COMMANDS = [
    ("init", "init"),
    ("validate", "validate"),
    ("sign", "sign"),
    ("translate", "translate"),
    ("render", "render"),
    ("preview", "preview"),
    ("fmt", "fmt"),
    ("diff", "diff"),
    ("links", "links"),
    ("archive", "archive"),
    ("schema", "schema"),
]


def command_names() -> list[str]:
    return [name for module, name in COMMANDS if find_spec(f"{__name__}.{module}")]


def load_command(name: str):
    """The click command called `name`, importing its module now; None if there is none."""
    for module, command in COMMANDS:
        if command == name and find_spec(f"{__name__}.{module}"):
            return getattr(importlib.import_module(f"{__name__}.{module}"), command)
    return None
