"""WSGI application that also serves static files, for ``dastan serve`` on one machine.

Django's ``StaticFilesHandler`` serves the apps' static files straight from the
package, so the embedded setup needs no collectstatic and no web server in
front. A larger deployment puts nginx in front and uses ``dastan.wsgi``.
"""

import os

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dastan.settings.dev")
application = StaticFilesHandler(get_wsgi_application())
