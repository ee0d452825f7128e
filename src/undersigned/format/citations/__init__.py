"""Citation styles as data: loading a style file, and formatting the notes of a letter by it.

A style (built-ins in `citation_styles/`, or a file in the workspace's `templates/`) says, per
source type, how a first citation, a short form and an immediate repeat print, as *layouts*:
lists of pieces joined by the style's delimiter, each piece a template of literal text and
`{field}`s (see docs/citations.md). The logic that decides which form a citation takes — Id.
after the same source, a short form with the note of the first citation — is ours, here.

The modules, lowest first: `templates` (a template's fields, groups and pieces), `styles` (a
style file read, merged with what it `extends:` and checked; the style a letter uses), `cite`
(one citation in one form) and `notes` (the notes of a letter, the form each citation takes).
"""
