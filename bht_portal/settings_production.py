"""Production settings: everything from the environment, secure by default.

`DJANGO_SETTINGS_MODULE=bht_portal.settings_production manage.py check --deploy` passes
with no warnings when SECRET_KEY and ALLOWED_HOSTS are set.
"""

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import OIDC_PROVIDERS, OIDC_STAFF_GROUPS, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405

# Logging in: only through ID-porten (external users) and Entra ID (staff). No local passwords,
# no demo logins; the portal refuses to start unless both providers and the staff groups are set.
PASSWORD_LOGIN = False
DEMO_LOGIN = False
AUTHENTICATION_BACKENDS = ["accounts.backends.OIDCBackend"]
# django-axes limits password logins (issue 14, hole 4); production has none, so its warning that
# no Axes backend is listed is expected here.
SILENCED_SYSTEM_CHECKS = ["axes.W003"]
for _name, _prefix in (("idporten", "IDPORTEN"), ("entra", "ENTRA")):
    for _key in ("metadata_url", "client_id", "client_secret"):
        if not OIDC_PROVIDERS[_name][_key]:
            raise ImproperlyConfigured(f"{_prefix}_{_key.upper()} must be set in production")
    if not OIDC_PROVIDERS[_name]["metadata_url"].startswith("https://"):
        raise ImproperlyConfigured(f"{_prefix}_METADATA_URL must be an https:// address")
for _role, _groups in OIDC_STAFF_GROUPS.items():
    if not _groups:
        raise ImproperlyConfigured(f"ENTRA_GROUPS_{_role.upper()} must name at least one Entra ID group")
