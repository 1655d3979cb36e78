"""The embedded site's settings are safe to serve: DEBUG off and no key in the code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
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


class SecondFactorDefaultsTests:
    """Serving asks Editors for a second factor; only ``dastan demo`` relaxes it."""

    def run(self, var: Path, *args: str) -> str:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("DASTAN_", "DJANGO_"))}
        environ["DASTAN_VAR_DIR"] = str(var)
        code = textwrap.dedent(
            """
            import sys
            from django.core import management
            import dastan.cli

            def report(argv):
                from django.conf import settings
                print(",".join(settings.DASTAN_NEWSROOM["REQUIRE_2FA_FOR"]) or "-")

            management.execute_from_command_line = report
            dastan.cli.main(sys.argv[1:])
            """
        )
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=environ,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def test_serve_requires_it_of_editors(self, tmp_path):
        assert self.run(tmp_path, "serve") == "Editor"

    def test_demo_signs_in_with_a_password(self, tmp_path):
        assert self.run(tmp_path, "demo", "--no-serve") == "-"
