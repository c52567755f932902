"""clout: nightly influence scores. The layers and what each may import: docs/architecture.md.

Two hooks are wired here, so they hold whichever clout module a process imports first, though the code they call
sits above the code that calls them: every writable warehouse connection finishes what a killed clout process
left (clout.recovery), and an erasure renders the run reports' data again (clout.audit.report).
"""

import warnings as _warnings

from clout.consent.erase import REPORT_RENDERERS as _REPORT_RENDERERS
from clout.consent.erase import REPORTS_RENDERED_FROM_TABLES as _RENDERED
from clout.core.warehouse import AFTER_CRASH as _AFTER_CRASH
from clout.recovery import after_crash as _after_crash

# Great Expectations imports PySpark when it is installed (the `spark` extra, docs/engines.md), and PySpark warns on
# import that it does not fully support pandas >= 3. clout keeps pandas out of the Spark path, so the warning tells
# a user nothing: not shown (it would land in every night's stderr).
_warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)


def _render_movers_again(con, path) -> bool:
    from clout.audit.report import render_movers_again  # imported when an erasure needs it: the gate is heavy

    return render_movers_again(con, path)


if _after_crash not in _AFTER_CRASH:
    _AFTER_CRASH.append(_after_crash)
def _has_movers_section(path) -> bool:
    from clout.audit.report import has_movers_section

    return has_movers_section(path)


if not _REPORT_RENDERERS:
    _REPORT_RENDERERS.append(_render_movers_again)
    _RENDERED.append(_has_movers_section)
