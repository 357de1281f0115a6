"""Case handler pages, the public register of approved providers, appeals."""

urlpatterns: list = []
