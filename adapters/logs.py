"""Logging for every command that serves: nothing a user typed reaches a log line, at any level.

The bot's own modules log ids, counts and kinds, never message texts (tests send a marker
through every channel and failure path and look for it in the logs). Libraries are another
matter: at DEBUG they log whole request bodies (Slack's Web API client, python-telegram-bot,
aiohttp), and some warnings carry a payload as their argument (Bolt's "Unhandled request"), so
their records are kept to WARNING and above, and those without their arguments. No exception's
message is logged either, a database driver's or a platform's (they can quote a statement's
parameters or a request's body): its type and where it was raised are.
"""

from __future__ import annotations

import logging
import os
import traceback

LEVEL_VARIABLE = "MYNUMBER_BOT_LOG_LEVEL"
FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s %(message)s"
OWN = ("bot", "adapters", "common", "knowledge", "flows", "testkit", "uvicorn.error")
# uvicorn's request lines name the path and the status, nothing of the body.
QUIET_ENOUGH = ("uvicorn.access",)


class Private(logging.Filter):
    """Keeps records from quoting users: see the module's docstring."""

    def filter(self, record: logging.LogRecord) -> bool:
        own = record.name.startswith(OWN) or record.name.startswith(QUIET_ENOUGH)
        if not own:
            if record.levelno < logging.WARNING:
                return False
            record.msg, record.args = f"{record.msg} (its details withheld)", ()
        if record.exc_info and record.exc_info[0] is not None:
            kind, _error, trace = record.exc_info
            where = "".join(traceback.format_tb(trace)).rstrip() if trace else ""
            record.msg = f"{record.getMessage()}: {kind.__name__}\n{where}"
            record.args, record.exc_info, record.exc_text = (), None, None
        return True


def configure_logging(default: str = "INFO") -> None:
    """The root logger's one handler, at ``MYNUMBER_BOT_LOG_LEVEL`` (else ``default``),
    private."""
    level = os.environ.get(LEVEL_VARIABLE, default).upper()
    logging.basicConfig(level=level if level in logging.getLevelNamesMapping() else "INFO",
                        format=FORMAT, force=True)  # fmt: skip
    for handler in logging.getLogger().handlers:
        handler.addFilter(Private())
    logging.getLogger(__name__).debug("logging at DEBUG; libraries' records below WARNING withheld")
