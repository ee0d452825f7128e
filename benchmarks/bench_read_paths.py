"""Benchmark of the roster's read paths: does each specialised reader earn its place?

Run: python benchmarks/bench_read_paths.py [SIZE ...]   (default: 10000 50000)

Every path reads roster text in the canonical layout (format/rosterlayout.py) for one job. Each
is timed in this process (best of five) against the general reader doing the same job in the
same run: `scan_canonical_roster` then `build_roster`, which is what `validate` does. A ratio
well below 1 means the specialised path saves real time; a ratio near 1 means it could go.

- index for an edit: `RosterText` (entry offsets, name, kind, sort_as), what `sign add`,
  `withdraw`, `update` and `fmt` start from, against a full load;
- extra fields: `RosterText` plus one `field_lines` pass for signed_on and status (what
  `sign list` and the duplicate checks of `sign add` read), against a full load;
- the YAML parser: `parse_yaml` (libyaml events), the fallback for other layouts, against the
  scanner, to show what the canonical layout buys;
- diff of two revisions: `roster_blocks` and block comparison (a few changed entries), against
  two full loads and a model comparison;
- `fmt` of a roster already canonical: `already_canonical`, one entry at a time, against a
  full load (and, in the last column, against the writer's whole-file path it replaces);
- `sign list`: the scanner one entry at a time (`iter_canonical_roster`), read twice and each
  entry built as a signatory as it comes, against a full load.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_roster import roster_text  # noqa: E402


class TooLarge(Exception):
    """The roster is over the size the YAML parser reads."""


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            fn()
        except TooLarge:
            return float("nan")
        times.append(time.perf_counter() - start)
    return min(times)


def main(sizes: list[int]) -> None:
    from undersigned.errors import LoadError
    from undersigned.format.load import build_roster
    from undersigned.format.rosterlayout import scan_canonical_roster
    from undersigned.format.yamlio import parse_yaml
    from undersigned.gcpause import paused_gc
    from undersigned.review.diff import diff_rosters
    from undersigned.review.difftexts import TextSide, diff_texts, load_roster_text
    from undersigned.roster import canonical
    from undersigned.roster.listing import _canonical_with_entries, _signatories
    from undersigned.roster.operations import _extra_values
    from undersigned.roster.rosterfile import RosterText

    path = Path("signatories/bench.yaml")
    letter = "kind: statement\ntitle: T\nbody:\n  - Hello.\n"
    print(f"{'size':>7}  {'path':<34} {'seconds':>8}  {'general':>8}  {'ratio':>6}")
    for size in sizes:
        text = roster_text(size, random.Random(size))

        def full_load(t=text):
            with paused_gc():
                return build_roster(scan_canonical_roster(t, "r.yaml"), path, "r.yaml")

        general = best(full_load)

        def index(t=text):
            with paused_gc():
                return RosterText(t, "r.yaml")

        def extra(t=text):
            with paused_gc():
                doc = RosterText(t, "r.yaml")
                _extra_values(doc, ("signed_on", "status"))

        def parser(t=text):
            with paused_gc():
                try:
                    return parse_yaml(t, "r.yaml")
                except LoadError:  # over MAX_SLOW_BYTES: the parser refuses it (NaN below)
                    raise TooLarge from None

        # two revisions that differ by three entries
        lines = text.split("\n")
        cut = len(lines) // 2
        changed = "\n".join(lines[:cut] + [ln.replace("confirmed", "withdrawn")
                                           if ln.endswith("confirmed") else ln
                                           for ln in lines[cut:cut + 24]] + lines[cut + 24:])

        def blocks(a=text, b=changed):
            with paused_gc():
                return diff_texts("bench", TextSide(letter, a, "l", "a"),
                                  TextSide(letter, b, "l", "b"))

        def two_loads(a=text, b=changed):
            with paused_gc():
                return diff_rosters(load_roster_text(a, str(path), "a"),
                                    load_roster_text(b, str(path), "b"))

        def one_pass(t=text):
            with paused_gc():
                return canonical.already_canonical(t)

        def rewrite(t=text):
            original = canonical.already_canonical
            canonical.already_canonical = lambda *a: False
            try:
                with paused_gc():
                    return canonical.write_canonical_roster(t)
            finally:
                canonical.already_canonical = original

        def streamed(t=text):
            with paused_gc():
                _canonical_with_entries(t, "r.yaml")
                for _ in _signatories(t, "r.yaml"):
                    pass

        checked = best(one_pass)
        rows = [("index for an edit (RosterText)", best(index), general),
                ("index + signed_on, status", best(extra), general),
                ("YAML parser (fallback)", best(parser, 1), general),
                ("diff by blocks", best(blocks), best(two_loads)),
                ("fmt: one pass, entry by entry", checked, general),
                ("  against the writer's whole path", checked, best(rewrite, 3)),
                ("sign list: scanned twice, streamed", best(streamed), general)]
        for label, seconds, reference in rows:
            print(f"{size:>7}  {label:<34} {seconds:>8.3f}  {reference:>8.3f}  "
                  f"{seconds / reference:>6.2f}")
    print("\nratio = the path's time / the general reader's in the same run (a full load; for "
          "the diff, two full loads and a model comparison; for fmt's one pass, also the "
          "writer's whole-file path); best of 5 runs each.")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10000, 50000])
