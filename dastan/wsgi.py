"""WSGI entry point for gunicorn: ``gunicorn dastan.wsgi``.

Django's handler sits behind the whole-page store (``web.pagestore``), which answers
anonymous readers' kept pages before Django runs.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dastan.settings.production")
django_application = get_wsgi_application()

from dastan.web.pagestore import PageStore  # noqa: E402  (Django is set up above)

application = PageStore(django_application)
