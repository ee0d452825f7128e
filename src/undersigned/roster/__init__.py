"""The roster: collation and name matching, the roster file as text, and the operations on it."""
