"""A unified diff of two texts, as `git diff` prints it (what `fmt --check` shows)."""

from __future__ import annotations

import difflib
import re

_HUNK = re.compile(r"@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def unified_diff(before: str, after: str, name: str, context: int = 3) -> str:
    """A unified diff like `git diff` prints, `a/` and `b/` prefixes included.

    Lines the two texts share at the start and the end are set aside first, so a 50,000-entry
    roster with one entry out of place costs a comparison of a few lines, not of all of them.
    """
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    skip = max(start - context, 0)
    keep = max(end - context, 0)
    lines = list(difflib.unified_diff(a[skip:len(a) - keep], b[skip:len(b) - keep],
                                      fromfile=f"a/{name}", tofile=f"b/{name}", n=context))

    def shift(m: re.Match) -> str:
        return f"@@ -{int(m.group(1)) + skip}{m.group(2)} +{int(m.group(3)) + skip}{m.group(4)} @@"

    out = []
    for line in lines:
        if line.startswith("@@"):
            line = _HUNK.sub(shift, line, count=1)
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
