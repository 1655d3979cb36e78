"""Settings for a developer's machine and for ``dastan demo``."""

from dastan.settings import env
from dastan.settings.base import *  # noqa: F403

DEBUG = env.env_bool("DEBUG", True)
# The demo's editor signs in with a password alone; production asks Editors for a second
# factor (``DASTAN_REQUIRE_2FA_FOR``), and a developer can try it with the same variable.
DASTAN_NEWSROOM = {"REQUIRE_2FA_FOR": env.env_list("REQUIRE_2FA_FOR", [])}
