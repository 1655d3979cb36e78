"""Settings shared by every environment.

Each Dastan app keeps its defaults in its own ``conf.py``; the dicts here
(``DASTAN_SITE``, ``DASTAN_SEARCH``, ``DASTAN_RATES``) only override them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from csp.constants import NONE, SELF

from dastan.ops.logs import logging_config
from dastan.settings import env
from dastan.settings.media_storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.var_dir()

# No default key: the embedded setup (dev.py) keeps a generated one in VAR_DIR.
SECRET_KEY = env.env_str("SECRET_KEY")
DEBUG = env.env_bool("DEBUG", False)
ALLOWED_HOSTS = env.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Django's admin with the newsroom's site: second factor and enrolment.
    "dastan.newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "dastan.rendering",
    "dastan.media",
    "dastan.content",
    "dastan.newsroom",
    "dastan.search",
    "dastan.rates",
    "dastan.importers",
    "dastan.redirects",
    "dastan.editions",
    "dastan.web",
    "dastan.ops",
    "dastan.feeds",
]

MIDDLEWARE = [
    # First: the request id, log line and latency cover every other middleware.
    "dastan.ops.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside the session, CSRF and edition middlewares: it sees (and trims) the Vary they add.
    "dastan.web.httpcache.HttpCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before CommonMiddleware: the edition decides which URL patterns match (/ru/...).
    "dastan.editions.middleware.EditionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # After CSPMiddleware: it loosens the admin's policy before the header is written.
    "dastan.newsroom.middleware.StaffMiddleware",
    "dastan.search.middleware.LegacySearchRedirectMiddleware",
    "dastan.redirects.middleware.LegacyRedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "dastan.urls"
WSGI_APPLICATION = "dastan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dastan.web.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = env.env_str("DATABASE_URL", "")


def _postgresql(address: str) -> dict:
    """Return the connection settings of a ``postgresql://user:pass@host:port/name`` URL."""
    from urllib.parse import unquote, urlparse

    url = urlparse(address)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(url.path.lstrip("/")),
        "USER": unquote(url.username or ""),
        "PASSWORD": unquote(url.password or ""),
        "HOST": url.hostname or "",
        "PORT": str(url.port or ""),
        "CONN_MAX_AGE": 60,
    }


def _database() -> dict:
    """Return the default database: PostgreSQL from DASTAN_DATABASE_URL, else SQLite."""
    if DATABASE_URL.startswith(("postgres://", "postgresql://")):
        return _postgresql(DATABASE_URL)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "dastan.sqlite3",
        # Kept open between requests, as for PostgreSQL: a new connection per request re-ran
        # the PRAGMAs and lost the page cache (issue #15). A sync worker serves one request
        # at a time, and WAL lets the connections of other workers and commands read on.
        "CONN_MAX_AGE": 60,
        # WAL lets readers go on while the importer or rates fetcher writes.
        "OPTIONS": {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456; PRAGMA cache_size=-65536;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
# A PostgreSQL read replica (streaming replication of the primary): reader pages read from it,
# writes and whatever a request reads after writing go to the primary (dastan/ops/routers.py).
# Unset, there is one database and no router.
REPLICA_DATABASE_URL = env.env_str("REPLICA_DATABASE_URL", "")
DATABASE_ROUTERS: list[str] = []
if REPLICA_DATABASE_URL:
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "DASTAN_REPLICA_DATABASE_URL needs DASTAN_DATABASE_URL on PostgreSQL: a replica "
            "replicates a PostgreSQL primary"
        )
    # In tests the replica is the primary's test database (Django's primary/replica testing).
    DATABASES["replica"] = {**_postgresql(REPLICA_DATABASE_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["dastan.ops.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "dastan.ops.caches.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache, not a per-process one: the app server's workers and the
    # command-line processes (rates fetch, imports) must see the same content
    # version and ticker, or a worker would keep serving an unpublished story.
    CACHES = {
        "default": {
            # Django's backends, counting hits and misses for /metrics (dastan/ops/caches.py).
            "BACKEND": "dastan.ops.caches.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A staff session ends when the browser closes, and in any case this long after signing in
# (the cookie is not renewed on each request): a forgotten back-office tab does not stay open.
SESSION_COOKIE_AGE = env.env_int("SESSION_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Sign-in attempts (django-axes): five failures for one username from one address lock that
# pair out for a quarter of an hour; a success clears the count. ``dastan staff unlock``
# lifts a lockout early.
AXES_FAILURE_LIMIT = env.env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dastan.newsroom.views.locked_out"
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): the reader pages run no inline script or style.
# Videos come from the two players ``rendering.embeds`` writes; images may be remote
# (imported featured images). ``StaffMiddleware`` loosens style-src for the admin only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:", *env.env_list("CSP_IMG_SRC", [])],
        "media-src": [SELF, "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Editions are Django languages: LANGUAGE_CODE is the default edition at /, each other one
# is served under /<code>/. DASTAN_EDITIONS adds each one's name in its own language (the
# header's switcher) and its hreflang. See docs/editions.md to add one (Kazakh: "kk").
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Russian")]
# The interface catalogues: dastan/locale/<code>/LC_MESSAGES/django.po, compiled by `make`.
DASTAN_EDITIONS = {
    "en": {"NAME": "English", "HREFLANG": "en"},
    "ru": {"NAME": "Русский", "HREFLANG": "ru"},
}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.env_str("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True
# Django's own date output (the admin) in the reader site's format: dastan/formats/.
FORMAT_MODULE_PATH = ["dastan.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploads and renditions on the local disk (MEDIA_ROOT), or in an S3-compatible bucket when
# DASTAN_S3_BUCKET is set (dastan/settings/media_storage.py, docs/deployment.md).
STORAGES = {
    "default": s3_storage() or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "/admin/login/"

# Plain lines by default; DASTAN_LOG_FORMAT=json writes one JSON object per line for a
# log collector. Both carry the request id (dastan/ops/logs.py).
LOGGING = logging_config(
    json_format=env.env_str("LOG_FORMAT", "plain") == "json",
    level=env.env_str("LOG_LEVEL", "INFO"),
)

DASTAN_SITE = {
    "NAME": env.env_str("SITE_NAME", "Dastan"),
    "TAGLINE": env.env_str("SITE_TAGLINE", "News from Central Asia"),
    "BASE_URL": env.env_str("BASE_URL", "http://127.0.0.1:8000"),
    "PAGE_SIZE": env.env_int("PAGE_SIZE", 6),
    "EXCERPT_WORDS": env.env_int("EXCERPT_WORDS", 55),
}
DASTAN_SEARCH: dict = {}
DASTAN_RATES: dict = {}
DASTAN_REDIRECTS: dict = {}
# Cache-Control per page type and the CDN purge hook (dastan/web/conf.py has the defaults).
DASTAN_HTTP_CACHE: dict = {}
# The purge address of the deploy/ nginx (http://127.0.0.1:8081): each commit purges the pages
# it changed from nginx's cache. Another cache (a CDN) is set in DASTAN_HTTP_CACHE["PURGE"].
if env.env_str("NGINX_PURGE_URL"):
    DASTAN_HTTP_CACHE["PURGE"] = {
        "BACKEND": "dastan.web.purge.nginx",
        "OPTIONS": {"url": env.env_str("NGINX_PURGE_URL")},
    }
DASTAN_OPS = {
    "METRICS_TOKEN": env.env_str("METRICS_TOKEN", ""),
    "METRICS_ALLOWED_ADDRESSES": env.env_list("METRICS_ALLOWED_ADDRESSES", ["127.0.0.1", "::1"]),
}
# The name an authenticator app shows beside a staff account's codes.
OTP_TOTP_ISSUER = DASTAN_SITE["NAME"]
DASTAN_NEWSROOM = {"REQUIRE_2FA_FOR": env.env_list("REQUIRE_2FA_FOR", ["Editor"])}
DASTAN_IMAGES = {
    "MAX_BYTES": env.env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024),
    "MAX_PIXELS": env.env_int("IMAGE_MAX_PIXELS", 40_000_000),
}
