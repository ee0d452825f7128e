"""Translations of a letter: their files, which source text each block translates, what fell behind.

A letter `letters/<slug>.yaml` is written in one language (its `lang`). Each translation lives
in `translations/<slug>/<lang>.yaml` (beside `letters/` and `signatories/`), so a translation
can never be taken for a letter or a roster of its own and never shares the `.private`
naming. A translation gives the translated text of each *unit* of the letter — the title,
subject, salutation, closing, place, the headings of the signature list, each body block, the
free text of each note and the title of each source — and records, for each, the fingerprint
of the source text it translates. Footnote keys, sources and the roster are the letter's.

The modules, lowest first: `layout` (where the files live, language tags, the keys and labels
of units), `units` (the source letter's units and their fingerprints), `reading` (a
translation file read into units with their line spans), `align` (each source unit paired with
its translation; the letter as a translation reads), `diff` (what changed in a translation,
word by word) and `writer` (what `undersigned translate` writes). The rules that compare a
translation with its letter are in `checks/translations.py`.
"""
