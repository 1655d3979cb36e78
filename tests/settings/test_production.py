"""The production settings pass Django's deployment check with nothing to warn about."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def deploy_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DASTAN_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dastan.settings.production",
        DASTAN_SECRET_KEY=secrets.token_urlsafe(50)[:50],
        DASTAN_VAR_DIR=str(tmp_path),
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "dastan", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


class DeployCheckTests:
    def test_check_deploy_is_clean(self, tmp_path):
        result = deploy_check(tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout
        assert "WARNINGS" not in result.stdout + result.stderr

    def test_turning_hsts_off_is_reported(self, tmp_path):
        """The check is real: without HSTS it warns and fails."""
        result = deploy_check(tmp_path, DASTAN_HSTS_SECONDS="0")
        assert result.returncode != 0
        assert "security.W004" in result.stdout + result.stderr
