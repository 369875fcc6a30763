"""Errors that reach a user as one clear line."""


class SoevError(Exception):
    """Base for errors the CLI prints as one line and the web answers as JSON."""


class IndexUnavailable(SoevError):
    """The index is missing, corrupt or unreadable; the message names the command that fixes it."""
