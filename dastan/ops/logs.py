"""Log records that carry the request id, and a JSON formatter for log collectors.

The id is kept in a context variable set by ``RequestMiddleware``, so every line logged
while a request is answered (a rates warning, a search error) names the request it
belongs to, as does the response's ``X-Request-ID`` header.
"""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


class RequestIdFilter(logging.Filter):
    """Add ``record.request_id`` (empty outside a request) for formatters to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.request_tag = f" [{record.request_id}]" if record.request_id else ""
        return True


# Attributes every LogRecord has; anything else was passed in ``extra`` and is kept.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
    "request_tag",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    the ``extra`` fields, and the traceback as ``exc_info`` text."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, json_format: bool, level: str) -> dict:
    """Return ``LOGGING``: the ``dastan`` loggers to stderr, plain or JSON lines."""
    formatter = (
        {"()": "dastan.ops.logs.JsonFormatter"}
        if json_format
        else {"format": "%(asctime)s %(levelname)s %(name)s%(request_tag)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "dastan.ops.logs.RequestIdFilter"}},
        "formatters": {"dastan": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "dastan",
                "filters": ["request_id"],
            }
        },
        "loggers": {
            "dastan": {"handlers": ["console"], "level": level},
            # Django's own errors (a 500's traceback) in the same format.
            "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        },
    }
