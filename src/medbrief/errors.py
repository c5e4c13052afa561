"""User-facing errors: each message says what went wrong and how to fix it (never a traceback)."""


class MedbriefError(Exception):
    """Base class for errors shown to the user as one line."""


class InputError(MedbriefError):
    """Bad input from the user (question, option, file)."""
