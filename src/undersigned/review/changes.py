"""What a semantic diff finds: the result types of comparing two states of a letter."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FieldChange:
    """One field whose value differs: `where` says whose field it is (a source, a citation)."""

    field: str
    old: str | None
    new: str | None
    where: str = ""


@dataclass
class SignatoryChange:
    """A signatory added, withdrawn, removed, reinstated or changed; `changes` lists fields."""

    name: str
    kind: str
    title: str | None = None
    status: str = "confirmed"
    old_name: str | None = None
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class RosterChanges:
    added: list[SignatoryChange] = field(default_factory=list)
    withdrawn: list[SignatoryChange] = field(default_factory=list)
    removed: list[SignatoryChange] = field(default_factory=list)
    reinstated: list[SignatoryChange] = field(default_factory=list)
    changed: list[SignatoryChange] = field(default_factory=list)
    as_of: FieldChange | None = None

    def __bool__(self) -> bool:
        return bool(self.added or self.withdrawn or self.removed or self.reinstated
                    or self.changed or self.as_of)


@dataclass
class NoteChange:
    """A footnote by key with its number before and after (None: not called on that side)."""

    key: str
    old_number: int | None = None
    new_number: int | None = None
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def number(self) -> int | None:
        return self.new_number if self.new_number is not None else self.old_number


@dataclass
class FootnoteChanges:
    added: list[NoteChange] = field(default_factory=list)
    removed: list[NoteChange] = field(default_factory=list)
    renumbered: list[NoteChange] = field(default_factory=list)
    changed: list[NoteChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.renumbered or self.changed)


@dataclass
class SourceChange:
    key: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class SourceChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[SourceChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class WordOp:
    """A run of words: `equal` on both sides, `delete`d from the old or `insert`ed in the new."""

    op: str
    text: str


@dataclass
class BlockChange:
    """A body block added, removed, moved or edited; numbers are 1-based positions in the body."""

    kind: str
    id: str | None = None
    old_number: int | None = None
    new_number: int | None = None
    old_text: str | None = None
    new_text: str | None = None
    moved: bool = False
    words: list[WordOp] = field(default_factory=list)
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def number(self) -> int | None:
        return self.new_number if self.new_number is not None else self.old_number


@dataclass
class BodyChanges:
    added: list[BlockChange] = field(default_factory=list)
    removed: list[BlockChange] = field(default_factory=list)
    moved: list[BlockChange] = field(default_factory=list)
    edited: list[BlockChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.moved or self.edited)


@dataclass
class Endorsements:
    """Whether the endorsed text changed, and how many recorded endorsements that affects.

    `method` names how texts are compared: `fingerprint`, the value `sign` stores in a
    signatory's `endorsed:` (roster.fingerprint), so the two can be matched.
    """

    text_changed: bool = False
    method: str = "fingerprint"
    old_fingerprint: str | None = None
    new_fingerprint: str | None = None
    endorsed_earlier: int = 0

    @property
    def invalidated(self) -> bool:
        return self.text_changed and self.endorsed_earlier > 0


@dataclass
class TranslationChange:
    """One translation file added, removed or changed; `changes` are its texts that changed
    (`field`: which text, `where`: what happened to it)."""

    lang: str
    status: str  # added | removed | modified
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class LetterDiff:
    slug: str
    status: str  # added | removed | modified | unchanged
    fields: list[FieldChange] = field(default_factory=list)
    roster: RosterChanges = field(default_factory=RosterChanges)
    footnotes: FootnoteChanges = field(default_factory=FootnoteChanges)
    sources: SourceChanges = field(default_factory=SourceChanges)
    body: BodyChanges = field(default_factory=BodyChanges)
    endorsements: Endorsements = field(default_factory=Endorsements)
    translations: list[TranslationChange] = field(default_factory=list)

    @property
    def letter_path(self) -> str:
        return f"letters/{self.slug}.yaml"

    @property
    def roster_path(self) -> str:
        return f"signatories/{self.slug}.yaml"

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.roster or self.footnotes or self.sources or self.body
                    or self.translations)


@dataclass
class Diff:
    """Every letter compared between two revisions."""

    base: str
    head: str
    spec: str = ""
    letters: list[LetterDiff] = field(default_factory=list)
