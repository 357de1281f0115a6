"""The public JSON API under /api/v1/: the OpenAPI schema and shared helpers."""

from drf_spectacular.views import SpectacularAPIView

from accounts.access import PUBLIC


class SchemaView(SpectacularAPIView):
    access = (PUBLIC,)
