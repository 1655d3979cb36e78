"""The embedded site's settings are safe to serve: DEBUG off and no key in the code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json, dastan.settings.dev as s; "
    "print(json.dumps({'debug': s.DEBUG, 'key': s.SECRET_KEY, 'wsgi': s.WSGI_APPLICATION}))"
)


def dev_settings(var: Path, **extra: str) -> dict:
    """Import ``dastan.settings.dev`` in a fresh process, as ``dastan serve`` does."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DASTAN_")}
    environ.update(DASTAN_VAR_DIR=str(var), **extra)
    done = subprocess.run(
        [sys.executable, "-c", SHOW], env=environ, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


class DevSettingsTests:
    def test_debug_is_off_unless_asked(self, tmp_path):
        """``dastan serve`` ran with DEBUG on: a 500 showed the settings."""
        assert dev_settings(tmp_path)["debug"] is False
        assert dev_settings(tmp_path, DASTAN_DEBUG="1")["debug"] is True

    def test_key_is_kept_in_var_and_survives_a_restart(self, tmp_path):
        first = dev_settings(tmp_path)["key"]
        assert first == (tmp_path / "secret_key").read_text().strip()
        assert dev_settings(tmp_path)["key"] == first
        assert "insecure" not in first

    def test_key_from_the_environment(self, tmp_path):
        assert dev_settings(tmp_path, DASTAN_SECRET_KEY="given")["key"] == "given"

    def test_runserver_uses_the_app_that_serves_uploads(self, tmp_path):
        assert dev_settings(tmp_path)["wsgi"] == "dastan.web.wsgi_static.application"
