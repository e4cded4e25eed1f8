"""What a task says when it fails unexpectedly: to its owner, and to the log.

The log gets the exception's type and where it happened, not its message: a message may quote
the data (a cell of an imported list, a name), and logs carry ids and counts only
(docs/operations.md). The owner, who sent the data, gets the type and a bounded message.
"""

from __future__ import annotations

import logging
import traceback

MESSAGE_CHARS = 300


def log_failure(log: logging.Logger, what: str, ident: object, exc: BaseException) -> None:
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s %s failed: %s\n%s", what, ident, type(exc).__name__, frames)


def summary(exc: BaseException) -> str:
    """`DataError: PostgreSQL text fields cannot contain NUL (0x00) bytes`, bounded."""
    text = " ".join(str(exc).split())[:MESSAGE_CHARS]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
