"""The shared Jinja2 environment: sandboxed, strict, workspace templates before built-in ones."""

from __future__ import annotations

import os
from pathlib import Path
from types import CodeType

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError

BUILTIN = Path(__file__).resolve().parent.parent / "templates"


class _Sandbox(SandboxedEnvironment):
    """The sandbox, with a fast answer for the plain data classes we hand to templates.

    Their public fields are data (strings, numbers, lists of more of the same), so reading
    them is safe; everything else — any other object, any underscore name — goes through the
    full check. On a 50,000-signatory list this halves the time of the HTML and text output.
    """

    def is_safe_attribute(self, obj, attr, value):
        if type(obj) in _DATA_TYPES and not attr.startswith("_"):
            return True
        return super().is_safe_attribute(obj, attr, value)


def _data_types() -> frozenset[type]:
    from ..format.inline import Span, Text
    from ..format.model import Party
    from .prepare import Entry, Note, NoteCall, PAnnex, PBlock, Prepared, RSection

    return frozenset({Entry, Note, NoteCall, PAnnex, PBlock, Prepared, RSection, Party, Span,
                      Text})


_DATA_TYPES = _data_types()


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once, re-used by every environment made after.

    Each render makes a fresh environment (its filters belong to that render), and compiling
    the two templates from source was half of a render's time. Jinja asks this cache for a
    template by its name, file and a checksum of its source: an edited or a newly overriding
    workspace template has another file or checksum and is compiled anew. The key includes
    the environment's options, which change the compiled code.

    The built-in templates come compiled with the package (`render/compiled/`, made by
    scripts/precompile_templates.py), so a fresh process does not compile them either; they
    are used only while the template's source, the environment's options and the Jinja
    version are those they were made from. A workspace's templates are compiled in memory
    only: compiled code kept on disk in a workspace — a folder many hands commit to — would
    run as Python, outside the sandbox.
    """

    def __init__(self) -> None:
        self._code: dict[str, tuple[str, object]] = {}

    def get_bucket(self, environment, name, filename, source):
        options = _options(environment)
        bucket = super().get_bucket(environment, f"{name}|{options!r}", filename, source)
        if bucket.code is None and filename is not None:
            bucket.code = _shipped_code(name, filename, bucket.checksum, options)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self._code.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if len(self._code) > 64:  # a long-running preview of templates edited many times
            self._code.clear()
        self._code[bucket.key] = (bucket.checksum, bucket.code)


def _options(environment: jinja2.Environment) -> tuple:
    """What, besides the source, decides the code Jinja compiles a template to."""
    return (environment.autoescape, environment.trim_blocks, environment.lstrip_blocks,
            environment.keep_trailing_newline, type(environment).__qualname__)


def _shipped_code(name: str, filename: str, checksum: str, options: tuple):
    """The code shipped for a built-in template, if it was made from this very source under
    these options and this Jinja version; else None (and the template is compiled)."""
    if not _USE_SHIPPED or Path(filename).parent != BUILTIN:
        return None
    from . import compiled

    made = compiled.MANIFEST.get(name)
    if made is None or made != (checksum, repr(options), jinja2.__version__):
        return None
    import importlib.util

    module = f"{compiled.__name__}.{module_name(name)}"
    spec = importlib.util.find_spec(module)
    code = spec.loader.get_code(module) if spec and spec.loader else None
    # tracebacks and error messages name the template file, as for a template compiled here
    return _named(code, filename) if code is not None else None


def module_name(template: str) -> str:
    """The module of `render/compiled/` a built-in template's code is shipped in:
    `letter.html.j2` -> `letter_html`."""
    return template.removesuffix(".j2").replace(".", "_").replace("-", "_")


def _named(code: CodeType, filename: str) -> CodeType:
    consts = tuple(_named(c, filename) if isinstance(c, CodeType) else c
                   for c in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


_COMPILED = _CompiledTemplates()
_USE_SHIPPED = True  # off while render/precompile.py captures fresh code


class _Loader(jinja2.BaseLoader):
    """The workspace's templates/ first, then the built-in templates.

    A workspace template is read as every workspace file is (`fileio.read_file`): a symbolic
    link out of the workspace, a FIFO or a file over the size limit is refused with an error
    naming the template, never read. The built-in templates are the package's own.
    """

    def __init__(self, workspace_templates: Path | None) -> None:
        self.dirs = [d for d in (workspace_templates, BUILTIN) if d is not None and d.is_dir()]

    def get_source(self, environment, template):
        from jinja2.loaders import split_template_path

        pieces = split_template_path(template)  # refuses "..": TemplateNotFound
        for directory in self.dirs:
            path = directory.joinpath(*pieces)
            if not os.path.lexists(path):  # anything else there (a link, a FIFO) is refused
                continue
            return _read_template(path, directory), str(path), _unchanged(path)
        raise jinja2.TemplateNotFound(template)

    def list_templates(self):
        names = {p.relative_to(d).as_posix() for d in self.dirs for p in d.rglob("*")
                 if p.is_file()}
        return sorted(names)


def _read_template(path: Path, directory: Path) -> str:
    from ..fileio import FileAccessError, read_file

    shown = f"templates/{path.relative_to(directory).as_posix()}" if directory != BUILTIN \
        else path.name
    try:
        data = read_file(path, inside=directory.parent if directory != BUILTIN else None)
        return data.decode("utf-8")
    except FileAccessError as e:
        raise TemplateError(f"{shown}: {e.message}") from None
    except UnicodeDecodeError as e:
        raise TemplateError(f"{shown}: not UTF-8 text (byte {e.start}); save the template as "
                            "UTF-8") from None


def _unchanged(path: Path):
    """Jinja's question "is the template as it was read?", by its modification time."""
    when = _mtime(path)
    return lambda: _mtime(path) == when


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def make_environment(workspace_templates: Path | None, autoescape: bool) -> jinja2.Environment:
    """A sandboxed environment with StrictUndefined that looks in the workspace's templates/ first.

    The sandbox matters: templates come from the workspace, which is edited by many hands,
    and must never reach Python internals.
    """
    return _Sandbox(
        loader=_Loader(workspace_templates),
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_COMPILED,
    )


def render_template(env: jinja2.Environment, name: str, **context) -> str:
    """Render a template; any failure becomes a TemplateError naming the template file and line."""
    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateSyntaxError as e:
        where = e.filename or e.name or name
        raise TemplateError(f"{where}:{e.lineno}: template syntax error: {e.message}") from e
    except jinja2.TemplateNotFound as e:
        raise TemplateError(f"template {e.name} not found in the workspace's templates/ or the "
                            "built-in templates") from e
    except jinja2.exceptions.SecurityError as e:
        raise TemplateError(f"{_where(name, env)}: template tried an unsafe operation: {e}") from e
    except TemplateError:
        raise
    except jinja2.UndefinedError as e:
        raise TemplateError(f"{_where(name, env)}: template uses an undefined value: "
                            f"{e.message}") from e
    except Exception as e:  # a template is user code: report it, never a traceback
        raise TemplateError(f"{_where(name, env)}: template failed: {e}") from e


def _where(name: str, env: jinja2.Environment) -> str:
    """The template file and line of the innermost template frame of the current exception."""
    import sys
    import traceback

    tb = sys.exc_info()[2]
    found = name
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".txt")):
            found = f"{filename}:{lineno}"
    try:
        source = env.loader.get_source(env, name)[1] if env.loader else None
    except (jinja2.TemplateNotFound, TemplateError):
        source = None
    if found == name and source:
        found = source
    return found
