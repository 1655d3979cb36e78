"""Settings for the test suite: fast hashing, in-memory cache, in-memory SQLite."""

from dastan.settings.base import *  # noqa: F403
from dastan.settings.base import DATABASES

# A key for the test run only; nothing signed with it leaves the test database.
SECRET_KEY = "dastan-test-suite-only"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# As in development: tests that are about the second factor turn it on themselves.
DASTAN_NEWSROOM = {"REQUIRE_2FA_FOR": []}
