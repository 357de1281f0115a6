import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bht_portal.settings")
application = get_wsgi_application()

# A web worker: start loading its copy of the register now, if it is on (ADR 0003).
from enterprises import register_copy  # noqa: E402 — after Django is set up

register_copy.current()
