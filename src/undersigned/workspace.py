"""Finding the workspace, its letters and the roster that belongs to each letter: the one
place that turns what a user typed (paths, slugs, directories) into files."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import NoWorkspaceError, WorkspaceError


def find_root(start: Path) -> Path | None:
    """The nearest directory, from `start` upwards, that holds a `letters/` directory."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / "letters").is_dir():
            return candidate
    return None


def workspace_root(start: Path) -> Path:
    """The workspace around `start`; NoWorkspaceError when there is none."""
    root = find_root(start)
    if root is None:
        raise NoWorkspaceError()
    return root


def present(path: Path) -> bool:
    """Whether a workspace file is there to be read — or to be refused with a reason: a
    regular file, and also a symbolic link (even one that loops or dangles), a FIFO, a device.
    Only directories are left out. `is_file()` would skip a linked secret or a FIFO in
    silence; the one read path (fileio.read_file) then says what is wrong with it."""
    return os.path.lexists(path) and not path.is_dir()


#: `signatories/<slug>.private.yaml` holds the private contacts of letter <slug>: no letter may
#: be called `<x>.private`, or its roster would be another letter's private contacts file.
PRIVATE_SUFFIX = ".private"


def reserved_slug(letter: Path | str) -> bool:
    """Whether a letter's name (path or slug) ends in '.private'."""
    name = letter.name if isinstance(letter, Path) else letter
    return name.removesuffix(".yaml").removesuffix(".yml").endswith(PRIVATE_SUFFIX)


def letter_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "letters").glob("*.yaml") if present(p))


def workspace_files(root: Path) -> list[Path]:
    """Every letter and roster of the workspace (not the private contact files)."""
    out: list[Path] = []
    for folder in ("letters", "signatories"):
        for path in sorted((root / folder).glob("*.yaml")):
            # signatories/<slug>.private.yaml holds contacts, not a roster
            if present(path) and "." not in path.name.removesuffix(".yaml"):
                out.append(path)
    return out


def _unique(paths: list[Path]) -> list[Path]:
    """The paths in order, each file once however it was named."""
    seen: set[Path] = set()
    unique = []
    for path in paths:
        try:
            key = path.resolve()
        except (OSError, RuntimeError):  # a link that loops: the read says what is wrong
            key = Path(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def letters_named(args: tuple[str, ...] | list[str], cwd: Path) -> list[Path]:
    """The letters that paths, slugs, directories, roster or translation paths name, each once
    (a letter, its roster and its translations name one letter); every letter of the
    workspace when none is given."""
    if not args:
        return letter_files(workspace_root(cwd))
    out: list[Path] = []
    for arg in args:
        path = (cwd / arg) if not Path(arg).is_absolute() else Path(arg)
        if path.is_dir():
            letters = path / "letters" if (path / "letters").is_dir() else path
            out += letter_files(letters.parent) if letters.name == "letters" else sorted(
                letters.glob("*.yaml"))
        elif present(path) and path.parent.name == "signatories":
            out.append(path.parent.parent / "letters" / path.name)
        elif present(path) and path.parent.parent.name == "translations":
            # translations/<slug>/<lang>.yaml is checked with its letter
            out.append(path.parent.parent.parent / "letters" / f"{path.parent.name}.yaml")
        else:
            out.append(resolve_letter(arg, cwd))
    return _unique(out)


def files_named(args: tuple[str, ...] | list[str], cwd: Path) -> list[Path]:
    """The letter and roster files that paths, directories or slugs name (a slug names the
    letter and its roster), each once; the whole workspace when none is given."""
    if not args:
        return workspace_files(workspace_root(cwd))
    out: list[Path] = []
    for arg in args:
        path = Path(arg) if Path(arg).is_absolute() else cwd / arg
        if path.is_dir():
            if (path / "letters").is_dir():
                out += workspace_files(path)
            else:
                out += sorted(p for p in path.glob("*.yaml") if present(p))
        elif present(path):
            out.append(path)
        else:
            letter = resolve_letter(arg, cwd)
            out.append(letter)
            if present(roster_path(letter)):
                out.append(roster_path(letter))
    return _unique(out)


def resolve_letter(arg: str, cwd: Path) -> Path:
    """A letter given as a path or as a slug of the workspace around `cwd`."""
    path = Path(arg)
    if not path.is_absolute():
        path = cwd / path
    if present(path):
        return path
    if "/" not in arg and not arg.endswith((".yaml", ".yml")):
        root = find_root(cwd)
        if root is None:
            raise NoWorkspaceError(
                f"'{arg}' is not a file and there is no workspace here (no letters/ directory "
                "in this directory or above); run inside a workspace or `undersigned init DIR`"
            )
        candidate = root / "letters" / f"{arg}.yaml"
        if present(candidate):
            return candidate
        known = ", ".join(p.stem for p in letter_files(root)) or "none"
        raise WorkspaceError(f"no letter '{arg}' in {root / 'letters'}; letters here: {known}")
    raise WorkspaceError(f"{arg}: no such letter file; give a path or a slug")


def roster_path(letter_path: Path) -> Path:
    """`letters/<slug>.yaml` → `signatories/<slug>.yaml` (beside `letters/`).

    A letter called `<x>.private` is refused: its roster would be the private contacts file
    of letter <x>."""
    if reserved_slug(letter_path):
        raise WorkspaceError(
            f"{letter_path.name}: a letter's name may not end in '{PRIVATE_SUFFIX}' "
            f"(signatories/{letter_path.name} is the private contacts file of letter "
            f"'{letter_path.name.removesuffix('.yaml').removesuffix(PRIVATE_SUFFIX)}'); "
            "rename the letter")
    return letter_path.parent.parent / "signatories" / letter_path.name


def display_path(path: Path, cwd: Path) -> str:
    """A path as the user should see it: relative to the current directory when possible."""
    # The path as written, not resolved: a symbolic link is shown by its own name.
    absolute = Path(os.path.abspath(path))
    for base in (Path(os.path.abspath(cwd)), cwd.resolve()):
        try:
            return str(absolute.relative_to(base))
        except ValueError:
            pass
    try:
        return str(path.resolve().relative_to(cwd.resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)
