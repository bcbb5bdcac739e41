"""`python -m jarnama` runs the CLI."""

from jarnama.cli import main

main()
