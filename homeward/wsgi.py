import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.settings")
application = get_wsgi_application()

from homeward.lib.security import require_secret_key  # noqa: E402 - after settings are chosen

require_secret_key()
