"""User-facing errors: one line that says what went wrong, where, and what to do next."""


class CloutError(Exception):
    """An error the user can act on. The CLI prints it as one line, without a traceback."""
