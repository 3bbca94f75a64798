"""L3 the ``pubenrich`` command: the one package that prints and sets exit codes."""

from pubenrich.cli.main import main

__all__ = ["main"]
