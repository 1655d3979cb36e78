"""The JSON log formatter and the request id filter."""

from __future__ import annotations

import json
import logging

from dastan.ops.logs import JsonFormatter, RequestIdFilter, logging_config, request_id_var


def record(message: str = "rates %s failed", *args, **extra) -> logging.LogRecord:
    made = logging.makeLogRecord(
        {"name": "dastan.rates", "levelno": 40, "levelname": "ERROR", "msg": message}
    )
    made.args = args or ("nbk",)
    for key, value in extra.items():
        setattr(made, key, value)
    return made


class JsonFormatterTests:
    def test_one_json_object_with_the_request_id_and_extras(self):
        token = request_id_var.set("req-1")
        try:
            line = record(route="web:home")
            RequestIdFilter().filter(line)
            entry = json.loads(JsonFormatter().format(line))
        finally:
            request_id_var.reset(token)
        assert entry["message"] == "rates nbk failed"
        assert (entry["level"], entry["logger"], entry["request_id"]) == (
            "ERROR",
            "dastan.rates",
            "req-1",
        )
        assert entry["route"] == "web:home"
        assert entry["time"].endswith("+00:00")

    def test_a_traceback_stays_inside_one_line(self):
        try:
            raise ValueError("bad\nfeed")
        except ValueError:
            import sys

            line = record(exc_info=sys.exc_info())
        text = JsonFormatter().format(line)
        assert "\n" not in text
        assert "ValueError: bad" in json.loads(text)["exc_info"]

    def test_the_switch_picks_the_formatter(self):
        assert logging_config(json_format=True, level="INFO")["formatters"]["dastan"] == {
            "()": "dastan.ops.logs.JsonFormatter"
        }
        plain = logging_config(json_format=False, level="INFO")["formatters"]["dastan"]
        assert "%(request_tag)s" in plain["format"]
