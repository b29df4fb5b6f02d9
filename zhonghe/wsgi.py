import os

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhonghe.settings")
application = get_wsgi_application()

# Refuse to serve without a usable signing key (DEBUG off) or with a corrupt one: a startup error, never a 500.
_key_problems = [message for message in checks.run_checks(tags=["signing"]) if message.is_serious()]
if _key_problems:
    raise ImproperlyConfigured("; ".join(str(message) for message in _key_problems))
