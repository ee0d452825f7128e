"""`python -m undersigned` runs the command line."""

from .cli import main

main()
