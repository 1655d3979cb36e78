"""``dastan serve``: gunicorn with the settings as they are; ``--dev`` alone turns DEBUG on."""

from __future__ import annotations

import sys

import pytest
from django.core.management import call_command


class Exec(Exception):
    """Raised in place of ``os.execve``: the test reads what would have run."""


@pytest.fixture
def execve(monkeypatch):
    def capture(path, argv, environ):
        raise Exec(path, argv, environ)

    monkeypatch.setattr("os.execve", capture)


def serve(*args: str) -> tuple[list[str], dict[str, str]]:
    with pytest.raises(Exec) as done:
        call_command("serve", *args)
    path, argv, environ = done.value.args
    assert path == sys.executable
    return argv, environ


class ServeTests:
    def test_gunicorn_keeps_debug_as_configured(self, execve, monkeypatch, settings):
        monkeypatch.delenv("DASTAN_DEBUG", raising=False)
        settings.DEBUG = False
        argv, environ = serve("--addr", "127.0.0.1:9000", "--workers", "3")
        assert argv[1:4] == ["-m", "gunicorn", "dastan.web.wsgi_static:application"]
        assert argv[argv.index("--bind") + 1] == "127.0.0.1:9000"
        assert argv[argv.index("--workers") + 1] == "3"
        assert "DASTAN_DEBUG" not in environ

    def test_gunicorn_with_debug_warns(self, execve, settings, capsys):
        settings.DEBUG = True
        serve()
        assert "DEBUG is on" in capsys.readouterr().err

    def test_dev_runs_django_server_with_debug(self, execve):
        argv, environ = serve("--dev", "--addr", "127.0.0.1:9001")
        assert argv[1:] == ["-m", "dastan", "runserver", "127.0.0.1:9001", "--noreload"]
        assert environ["DASTAN_DEBUG"] == "1"
