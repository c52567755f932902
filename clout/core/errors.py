"""User-facing errors: one line that says what went wrong, where, and what to do next."""


class CloutError(Exception):
    """An error the user can act on. The CLI prints it as one line, without a traceback."""


class Stopped(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM: Airflow's timeout, an operator's `kill`). A KeyboardInterrupt, so
    whatever cleans up after Ctrl-C (transactions rolled back, the run marked failed, locks released) cleans up after
    it too; str(): what stopped it."""


def stopped_by(error: BaseException) -> str | None:
    """`SIGTERM` or `Ctrl-C` for an interruption, None for an error."""
    if isinstance(error, Stopped):
        return str(error.args[0]) if error.args else "SIGTERM"
    return "Ctrl-C" if isinstance(error, KeyboardInterrupt) else None


def failure_message(step: str, error: BaseException | str) -> str:
    """Why a run failed in `step`, as meta.runs keeps it: `score: <error>`, or `stopped by SIGTERM in score`."""
    by = stopped_by(error) if isinstance(error, BaseException) else None
    return f"stopped by {by} in {step}" if by else f"{step}: {error}"
