"""Write src/undersigned/render/compiled/: the built-in templates compiled ahead of time, so
that a render in a fresh process does not compile them (render/env.py). Run it after changing
a built-in template, the filters a render registers, or the Jinja version;
tests/test_precompiled.py fails while the shipped code differs from a fresh capture."""

import datetime as dt
from pathlib import Path

from undersigned.render import env, precompile
from undersigned.render.run import prepare_letter

REPO = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    letter = REPO / "letters" / "china-forced-repatriation-2023.yaml"
    doc = prepare_letter(letter, REPO, dt.date(2023, 9, 21))
    target = Path(env.__file__).parent / "compiled"
    target.mkdir(exist_ok=True)
    for name, text in precompile.files(doc).items():
        (target / name).write_text(text, encoding="utf-8")
        print(f"wrote {name}, {len(text.splitlines())} lines")
