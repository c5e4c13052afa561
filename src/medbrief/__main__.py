"""``python -m medbrief`` is the same as the ``medbrief`` command."""

from medbrief.cli import run

run()
