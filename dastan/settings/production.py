"""Settings for a production deployment: everything secret comes from DASTAN_* variables."""

from dastan.settings import env
from dastan.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.env_str("SECRET_KEY")
if not SECRET_KEY:
    raise RuntimeError("DASTAN_SECRET_KEY must be set in production")
SESSION_COOKIE_SECURE = env.env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env.env_bool("SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
