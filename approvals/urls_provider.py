"""Provider-side pages: applications, staff roster, documents, submission."""

urlpatterns: list = []
