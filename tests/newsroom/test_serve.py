"""``dastan serve``: gunicorn with the settings as they are; ``--dev`` alone turns DEBUG on."""

from __future__ import annotations

import os
import socket
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


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


def free_address() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    return tmp_path


class ServeTests:
    def test_gunicorn_keeps_debug_as_configured(self, execve, monkeypatch, settings, var_dir):
        monkeypatch.delenv("DASTAN_DEBUG", raising=False)
        settings.DEBUG = False
        argv, environ = serve("--addr", free_address(), "--workers", "3")
        assert argv[1:4] == ["-m", "gunicorn", "dastan.web.wsgi_static:application"]
        assert argv[argv.index("--workers") + 1] == "3"
        assert "DASTAN_DEBUG" not in environ

    def test_gthread_by_default_and_sync_on_request(self, execve, var_dir):
        """gthread won the app-server measurement (docs/benchmarks.md); sync stays a choice."""
        argv, environ = serve("--addr", free_address())
        assert argv[argv.index("--worker-class") + 1] == "gthread"
        assert argv[argv.index("--threads") + 1] == "8"
        argv, environ = serve("--addr", free_address(), "--server", "sync")
        assert argv[argv.index("--worker-class") + 1] == "sync"
        assert "--threads" not in argv

    def test_gunicorn_gets_a_socket_already_listening(self, execve, var_dir):
        addr = free_address()
        argv, environ = serve("--addr", addr)
        bind = argv[argv.index("--bind") + 1]
        assert bind.startswith("fd://")
        listener = socket.socket(fileno=os.dup(int(bind.removeprefix("fd://"))))
        try:
            assert os.get_inheritable(int(bind.removeprefix("fd://")))
            host, port = listener.getsockname()
            assert f"{host}:{port}" == addr
        finally:
            listener.close()
            os.close(int(bind.removeprefix("fd://")))

    def test_the_job_worker_and_metric_files_come_along(self, execve, var_dir):
        argv, environ = serve("--addr", free_address())
        assert argv[argv.index("--config") + 1] == "python:dastan.ops.gunicorn_conf"
        assert environ["DASTAN_SERVE_WORKER"] == "1"
        assert environ["PROMETHEUS_MULTIPROC_DIR"] == str(var_dir / "prometheus")
        assert (var_dir / "prometheus").is_dir()
        argv, environ = serve("--addr", free_address(), "--no-worker")
        assert environ["DASTAN_SERVE_WORKER"] == "0"

    def test_a_taken_port_is_one_message_and_exit_1(self, execve, var_dir):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            with pytest.raises(CommandError) as refused:
                call_command("serve", "--addr", f"127.0.0.1:{port}")
        message = str(refused.value)
        assert f"127.0.0.1:{port} is already in use" in message
        assert f"make demo ADDR=127.0.0.1:{port + 1}" in message

    @pytest.mark.parametrize("addr", ["8000", "localhost", "127.0.0.1:0", "127.0.0.1:99999", ":80"])
    def test_a_malformed_address_is_refused(self, execve, addr):
        with pytest.raises(CommandError, match="not an address"):
            call_command("serve", "--addr", addr)

    def test_gunicorn_with_debug_warns(self, execve, settings, capsys, var_dir):
        settings.DEBUG = True
        serve("--addr", free_address())
        assert "DEBUG is on" in capsys.readouterr().err

    def test_dev_runs_django_server_with_debug(self, execve):
        addr = free_address()
        argv, environ = serve("--dev", "--addr", addr)
        assert argv[1:] == ["-m", "dastan", "runserver", addr, "--noreload"]
        assert environ["DASTAN_DEBUG"] == "1"
