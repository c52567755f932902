"""User-facing errors: one line that says what went wrong, where, and what to do next."""


class CloutError(Exception):
    """An error the user can act on. The CLI prints it as one line, without a traceback."""


class Stopped(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM: Airflow's timeout, an operator's `kill`). A KeyboardInterrupt, so
    whatever cleans up after Ctrl-C (transactions rolled back, the run marked failed, locks released) cleans up after
    it too; str(): what stopped it."""


_stops: list[str] = []  # what stopped this command: the CLI's signal handler notes each signal (note_stop)


def note_stop(what: str | None) -> None:
    """`what` (SIGTERM, Ctrl-C) stopped the command; None: a new command begins, nothing has."""
    if what is None:
        _stops.clear()
    else:
        _stops.append(what)


def stopped_by(error: BaseException) -> str | None:
    """`SIGTERM` or `Ctrl-C` for an interruption, None for an error. A signal that reaches a DuckDB statement ends
    it with DuckDB's own error ("Query interrupted"), not the handler's: once the command was stopped, that is what
    its error is too."""
    if isinstance(error, Stopped):
        return str(error.args[0]) if error.args else "SIGTERM"
    if isinstance(error, KeyboardInterrupt):
        return "Ctrl-C"
    return _stops[-1] if _stops else None


def failure_message(step: str, error: BaseException | str) -> str:
    """Why a run failed in `step`, as meta.runs keeps it: `score: <error>`, or `stopped by SIGTERM in score`."""
    by = stopped_by(error) if isinstance(error, BaseException) else None
    return f"stopped by {by} in {step}" if by else f"{step}: {error}"
