"""Settings for the embedded site (``dastan demo``, ``dastan serve``) and a developer's machine.

Safe to serve as they are: DEBUG is off unless asked for (``DASTAN_DEBUG=1`` or
``dastan serve --dev``), and the secret key comes from ``DASTAN_SECRET_KEY`` or
a random one kept in ``DASTAN_VAR_DIR/secret_key``.
"""

from dastan.settings import env
from dastan.settings.base import *  # noqa: F403
from dastan.settings.base import VAR_DIR

SECRET_KEY = env.secret_key(VAR_DIR)
# runserver serves this application too, so uploads display under ``serve --dev``.
WSGI_APPLICATION = "dastan.web.wsgi_static.application"
