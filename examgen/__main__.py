"""Run the CLI as ``python -m examgen``."""

from examgen.cli import main

main()
