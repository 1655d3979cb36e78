"""Settings for a production deployment: everything secret comes from DASTAN_* variables.

``dastan check --deploy`` is clean with these settings (a test runs it); each protection can
be turned down with its variable, for a site still moving to HTTPS.
"""

from dastan.settings import env
from dastan.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.env_str("SECRET_KEY")
if not SECRET_KEY:
    raise RuntimeError("DASTAN_SECRET_KEY must be set in production")
SESSION_COOKIE_SECURE = env.env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env.env_bool("SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.env_bool("SSL_REDIRECT", True)
# Load balancers and Prometheus reach the app servers over plain HTTP on the inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
# A year, Django's deploy check's own advice; start with 3600 on a site not yet sure of HTTPS.
SECURE_HSTS_SECONDS = env.env_int("HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.env_bool("HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list is hard to undo (months), so it is the operator's
    # explicit choice (DASTAN_HSTS_PRELOAD=1), not a default; the check only reminds of it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
