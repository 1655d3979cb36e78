"""Settings for a developer's machine and for ``dastan demo``."""

from dastan.settings import env
from dastan.settings.base import *  # noqa: F403

DEBUG = env.env_bool("DEBUG", True)
