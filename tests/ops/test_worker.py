"""``dastan worker``: the schedule, one job on demand, systemd units, the serve hooks."""

from __future__ import annotations

import importlib
import io
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from dastan.ops import gunicorn_conf
from dastan.ops.jobs.schedule import jobs_all
from dastan.ops.management.commands.worker import parent_watch

pytestmark = pytest.mark.django_db


def done(*args: str) -> str:
    return "done " + " ".join(args)


def broken() -> None:
    raise RuntimeError("feed unreadable")


def worker(*args: str) -> str:
    out = io.StringIO()
    call_command("worker", *args, stdout=out)
    return out.getvalue()


class ScheduleTableTests:
    def test_every_bank_and_the_search_check_are_scheduled(self):
        names = [job.name for job in jobs_all()]
        assert names == [
            "rates:cbt",
            "rates:cbu",
            "rates:nbk",
            "rates:nbkr",
            "rates:nbt",
            "search:check",
        ]

    def test_settings_add_change_and_remove_jobs(self, settings):
        settings.DASTAN_OPS = {
            "JOBS": {
                "search:check": None,
                "rates:nbk": {"CALL": "tests.ops.test_worker.done", "AT": ["17:30"]},
                "ping": {"CALL": "tests.ops.test_worker.done", "EVERY": 60},
            }
        }
        jobs = {job.name: job for job in jobs_all()}
        assert "search:check" not in jobs
        assert jobs["rates:nbk"].describe() == "daily at 17:30 Asia/Almaty"
        assert jobs["ping"].describe() == "every 60 s"

    @pytest.mark.parametrize(
        "spec",
        [
            {"CALL": "x.y", "AT": ["25:00"]},
            {"CALL": "x.y"},
            {"CALL": "x.y", "AT": ["10:00"], "EVERY": 5},
            {"AT": ["10:00"]},
        ],
    )
    def test_a_job_that_cannot_run_is_refused_at_start(self, settings, spec):
        settings.DASTAN_OPS = {"JOBS": {"bad": spec}}
        with pytest.raises(ImproperlyConfigured, match="job bad"):
            jobs_all()


class WorkerCommandTests:
    def test_list(self):
        text = worker("--list")
        assert "rates:nbk: daily at 16:00, 19:00 Asia/Almaty; next " in text

    def test_one_job_now(self, settings):
        settings.DASTAN_OPS = {
            "JOBS": {"ping": {"CALL": "tests.ops.test_worker.done", "ARGS": ["a"], "EVERY": 60}}
        }
        assert "job ping done: done a" in worker("--job", "ping")

    def test_a_failing_job_exits_non_zero(self, settings):
        settings.DASTAN_OPS = {
            "JOBS": {"bad": {"CALL": "tests.ops.test_worker.broken", "EVERY": 60}}
        }
        with pytest.raises(CommandError, match="job bad failed: RuntimeError: feed unreadable"):
            worker("--job", "bad")

    def test_an_unknown_job(self):
        with pytest.raises(CommandError, match="no job 'nope'"):
            worker("--job", "nope")

    def test_systemd_timers(self):
        text = worker("--systemd-timers")
        assert "# /etc/systemd/system/dastan-job-rates-nbk.timer" in text
        assert "OnCalendar=*-*-* 16:00,19:00:00 Asia/Almaty" in text
        assert "worker --job rates:nbk" in text
        assert text.count("[Timer]") == 6


class ParentWatchTests:
    def test_the_worker_stops_when_its_server_is_gone(self):
        stop = threading.Event()
        watcher = threading.Thread(target=parent_watch, args=(-1, stop))
        watcher.start()
        watcher.join(timeout=10)
        assert stop.is_set()


class GunicornHooksTests:
    def test_serve_starts_the_worker_and_stops_it_on_exit(self, monkeypatch):
        started = []

        class Process:
            pid = 4242

            def __init__(self, argv):
                started.append(argv)
                self.terminated = False

            def terminate(self):
                self.terminated = True

            def wait(self, timeout):
                return 0

        class Server:
            class log:
                @staticmethod
                def info(*args):
                    pass

        monkeypatch.setenv("DASTAN_SERVE_WORKER", "1")
        monkeypatch.setattr(gunicorn_conf.subprocess, "Popen", Process)
        monkeypatch.setattr(gunicorn_conf, "_jobs", [])
        gunicorn_conf.when_ready(Server)
        assert started[0][1:5] == ["-m", "dastan", "worker", "--with-parent"]
        gunicorn_conf.on_exit(Server)
        assert gunicorn_conf._jobs[0].terminated

    def test_no_worker_means_none(self, monkeypatch):
        monkeypatch.setenv("DASTAN_SERVE_WORKER", "0")
        monkeypatch.setattr(gunicorn_conf, "_jobs", [])
        gunicorn_conf.when_ready(object())
        assert gunicorn_conf._jobs == []

    def test_json_logs_reach_gunicorn_lines_once(self, monkeypatch):
        monkeypatch.setenv("DASTAN_LOG_FORMAT", "json")
        try:
            config = importlib.reload(gunicorn_conf).logconfig_dict
        finally:
            monkeypatch.delenv("DASTAN_LOG_FORMAT")
            # A reload keeps the names it does not assign again.
            del gunicorn_conf.logconfig_dict
            importlib.reload(gunicorn_conf)
        assert config["formatters"]["dastan"] == {"()": "dastan.ops.logs.JsonFormatter"}
        assert config["loggers"]["gunicorn.error"]["handlers"] == ["console"]
        assert config["root"]["handlers"] == []
        assert not hasattr(gunicorn_conf, "logconfig_dict")
