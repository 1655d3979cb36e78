"""The secret key: from the environment, else generated once and kept in the var directory."""

from __future__ import annotations

import stat

import pytest

from dastan.settings import env


class SecretKeyTests:
    def test_environment_wins(self, monkeypatch, tmp_path):
        monkeypatch.setenv("DASTAN_SECRET_KEY", "from-the-environment")
        assert env.secret_key(tmp_path) == "from-the-environment"
        assert not (tmp_path / "secret_key").exists()

    def test_generated_once_kept_private(self, monkeypatch, tmp_path):
        """No hard-coded key: a random one, mode 0600, the same after a restart."""
        monkeypatch.delenv("DASTAN_SECRET_KEY", raising=False)
        var = tmp_path / "var"
        first = env.secret_key(var)
        assert len(first) >= 50
        assert stat.S_IMODE((var / "secret_key").stat().st_mode) == 0o600
        assert env.secret_key(var) == first
        assert [p.name for p in var.iterdir()] == ["secret_key"]

    def test_each_site_gets_its_own(self, monkeypatch, tmp_path):
        monkeypatch.delenv("DASTAN_SECRET_KEY", raising=False)
        assert env.secret_key(tmp_path / "a") != env.secret_key(tmp_path / "b")

    def test_an_empty_key_file_is_refused(self, monkeypatch, tmp_path):
        monkeypatch.delenv("DASTAN_SECRET_KEY", raising=False)
        (tmp_path / "secret_key").write_text("\n")
        with pytest.raises(RuntimeError, match="empty"):
            env.secret_key(tmp_path)
