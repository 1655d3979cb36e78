"""Read the environment: the one module that looks at ``os.environ``.

Every variable carries the ``DASTAN_`` prefix so that a deployment's settings
can be listed with ``env | grep ^DASTAN_``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PREFIX = "DASTAN_"


def env_str(name: str, default: str = "") -> str:
    """Return ``DASTAN_<name>`` or ``default``."""
    return os.environ.get(PREFIX + name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Return ``DASTAN_<name>`` read as a boolean (1/true/yes/on)."""
    value = os.environ.get(PREFIX + name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Return ``DASTAN_<name>`` as an integer."""
    value = os.environ.get(PREFIX + name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated ``DASTAN_<name>`` as a list of strings."""
    value = os.environ.get(PREFIX + name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_prefixed(prefix: str) -> dict[str, str]:
    """Return every ``DASTAN_<prefix><KEY>`` variable as ``{KEY: value}``."""
    full = PREFIX + prefix
    return {k[len(full) :]: v for k, v in os.environ.items() if k.startswith(full)}


def env_setdefault(name: str, value: str) -> None:
    """Set ``DASTAN_<name>`` for processes started from here, unless it is already set."""
    os.environ.setdefault(PREFIX + name, value)


def var_dir() -> Path:
    """Return the directory that holds the embedded database and uploads."""
    return Path(env_str("VAR_DIR", str(Path.cwd() / "var"))).resolve()


def secret_key(var_dir: Path) -> str:
    """Return ``DASTAN_SECRET_KEY``, else the key kept in ``var_dir/secret_key``.

    The file is made on first use with a random key, readable by its owner only
    (0600), so sessions and password reset links outlive a restart and no key
    is ever written in the code. It is created under another name and linked
    into place, so two processes starting at once still agree on one key.
    """
    given = env_str("SECRET_KEY")
    if given:
        return given
    path = var_dir / "secret_key"
    if not path.exists():
        from django.core.management.utils import get_random_secret_key

        var_dir.mkdir(parents=True, exist_ok=True)
        handle, draft = tempfile.mkstemp(dir=var_dir, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(handle, "w") as file:
                file.write(get_random_secret_key() + "\n")
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it and a new key is made")
    return key
