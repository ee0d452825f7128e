"""Validation: every rule a letter and its roster are checked against."""
