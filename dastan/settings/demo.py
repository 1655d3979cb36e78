"""Settings for ``dastan demo``: the embedded site's, with the demo's logins made easy.

The demo's accounts have published passwords and the site listens on 127.0.0.1 only, so its
Editor signs in with a password alone; every other way of serving asks Editors for a second
factor (``DASTAN_REQUIRE_2FA_FOR``).
"""

from dastan.settings import env
from dastan.settings.dev import *  # noqa: F403

DASTAN_NEWSROOM = {"REQUIRE_2FA_FOR": env.env_list("REQUIRE_2FA_FOR", [])}
