"""One module per subcommand; `register` adds them to the group in the order users meet them."""

from __future__ import annotations

import importlib

# (module, command function name); modules are imported here, but each keeps heavy imports
# (python-docx, WeasyPrint) inside its function so `validate` stays fast to start.
COMMANDS = [
    ("init", "init"),
    ("validate", "validate"),
    ("sign", "sign"),
    ("render", "render"),
    ("fmt", "fmt"),
    ("diff", "diff"),
    ("links", "links"),
    ("archive", "archive"),
    ("schema", "schema"),
]


def register(group) -> None:
    for module, name in COMMANDS:
        try:
            mod = importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as e:
            if e.name == f"{__name__}.{module}":
                continue  # a command not written yet
            raise
        group.add_command(getattr(mod, name))
