"""schema: the committed JSON Schema files are current, and real files validate against them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from undersigned.cli import cli
from undersigned.format.yamlio import parse_yaml
from undersigned.scaffold import SCAFFOLD, schema_files

from .conftest import EXAMPLE_SLUG, FIXTURES, REPO

SCHEMA_DIR = REPO / "schema"


@pytest.mark.parametrize(("name", "args"), [("letter.schema.json", []),
                                            ("roster.schema.json", ["--roster"]),
                                            ("translation.schema.json", ["--translation"])])
def test_committed_schema_files_are_current(name, args):
    """schema/*.json are what `undersigned schema` prints; when this fails, regenerate them:

    undersigned schema > schema/letter.schema.json
    undersigned schema --roster > schema/roster.schema.json
    """
    printed = CliRunner().invoke(cli, ["schema", *args]).stdout
    committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
    assert committed == printed, f"schema/{name} is stale; regenerate it with `undersigned schema`"
    assert schema_files()[name] == printed  # what `undersigned init` writes


def as_json_data(path):
    """A YAML file as the plain JSON data an editor's schema checker sees (dates stay strings)."""
    def plain(node):
        if isinstance(node, dict):
            return {k: plain(v) for k, v in node.items()}
        if isinstance(node, list):
            return [plain(v) for v in node]
        return node
    data = plain(parse_yaml(path.read_text(encoding="utf-8"), path.name))
    return json.loads(json.dumps(data))


def schema_errors(kind: str, path) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(as_json_data(path))]


@pytest.mark.parametrize(("kind", "path"), [
    ("letter", REPO / "letters" / f"{EXAMPLE_SLUG}.yaml"),
    ("roster", REPO / "signatories" / f"{EXAMPLE_SLUG}.yaml"),
    ("letter", SCAFFOLD / "letters" / "example-statement.yaml"),
    ("roster", SCAFFOLD / "signatories" / "example-statement.yaml"),
    ("letter", FIXTURES / "citations" / "letters" / "real-notes.yaml"),
    ("letter", FIXTURES / "citations" / "letters" / "gallery.yaml"),
    ("translation", REPO / "translations" / "hk-consulate-defector-2016" / "zh-Hant.yaml"),
    ("translation", SCAFFOLD / "translations" / "example-statement" / "ar.yaml"),
], ids=["example-letter", "example-roster", "scaffold-letter", "scaffold-roster",
        "real-notes-letter", "citation-gallery-letter", "example-translation",
        "scaffold-translation"])
def test_examples_validate_against_the_schema(kind, path):
    assert schema_errors(kind, path) == []


def test_the_schema_rejects_what_the_loader_rejects():
    errors = schema_errors("letter", FIXTURES / "every-rule" / "letters" / "every-rule.yaml")
    assert any("'signature' was unexpected" in e for e in errors)
    assert any("42 is not of type 'string'" in e for e in errors)
    assert any("'region' is not one of ['country']" in e for e in errors)


@pytest.mark.parametrize(("kind", "path"), [
    ("letter", REPO / "letters" / f"{EXAMPLE_SLUG}.yaml"),
    ("roster", REPO / "signatories" / f"{EXAMPLE_SLUG}.yaml"),
    ("letter", SCAFFOLD / "letters" / "example-statement.yaml"),
    ("roster", SCAFFOLD / "signatories" / "example-statement.yaml"),
])
def test_example_files_point_editors_at_the_schema(kind, path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../schema/{kind}.schema.json"
