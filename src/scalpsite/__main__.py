"""Allow ``python -m scalpsite``."""

from scalpsite.cli import main

main(prog_name="scalpsite")
