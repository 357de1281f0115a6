"""Access is denied by default; each role reaches only its own pages."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.access import rules_for_view

pytestmark = pytest.mark.django_db


def _all_views(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":  # the admin site checks is_staff itself
                continue
            yield from _all_views(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.callback


def test_every_project_view_states_its_access_rules():
    """A view without rules would be refused (403) by the middleware; list them here so the
    mistake shows as a failing test, not a broken page."""
    missing = []
    for route, view in _all_views():
        module = getattr(view, "__module__", "")
        if module.startswith(("django.", "rest_framework", "drf_spectacular")) or hasattr(view, "cls"):
            continue
        if rules_for_view(view) is None:
            missing.append(f"{route} -> {module}.{getattr(view, '__name__', view)}")
    assert not missing, "views with no access rules:\n" + "\n".join(missing)


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/konto/start/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/?next=/konto/start/")


def test_public_pages_open_to_anonymous(client):
    assert client.get("/").status_code == 200
    assert client.get("/konto/login/").status_code == 200
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("role", ["case_handler", "inspector", "provider_user", "enterprise_user", "admin"])
def test_start_page_per_role(client, role):
    from tests.factories import UserFactory

    user = UserFactory(**{role: True})
    client.force_login(user)
    response = client.get("/konto/start/")
    assert response.status_code == 200
    assert str(user.get_role_display()) in response.content.decode()


def test_view_without_rules_is_refused(rf, case_handler):
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from accounts.middleware import AccessPolicyMiddleware

    def unmarked(request):
        return HttpResponse("secret")

    request = rf.get("/x")
    request.user = case_handler
    mw = AccessPolicyMiddleware(lambda r: HttpResponse())
    with pytest.raises(PermissionDenied):
        mw.process_view(request, unmarked, (), {})


def test_role_restricted_view_refuses_other_roles(rf, case_handler, provider_user):
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from accounts.access import access
    from accounts.middleware import AccessPolicyMiddleware
    from accounts.models import Role

    @access(Role.CASE_HANDLER)
    def handler_only(request):
        return HttpResponse("ok")

    mw = AccessPolicyMiddleware(lambda r: HttpResponse())
    request = rf.get("/x")
    request.user = case_handler
    assert mw.process_view(request, handler_only, (), {}) is None
    request.user = provider_user
    with pytest.raises(PermissionDenied):
        mw.process_view(request, handler_only, (), {})


def test_provider_cannot_open_admin(provider_client):
    response = provider_client.get("/admin/")
    assert response.status_code == 302  # the admin's own login: provider users are not staff
    assert "/admin/login/" in response["Location"]


def test_login_by_email_and_logout(client, case_handler, password):
    response = client.post("/konto/login/", {"username": "HANDLER@test.no".lower(), "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/konto/start/"
    assert client.get("/konto/start/").status_code == 200
    client.post("/konto/logout/")
    assert client.get("/konto/start/").status_code == 302


def test_wrong_password_keeps_email_and_says_why(client, case_handler):
    response = client.post("/konto/login/", {"username": "handler@test.no", "password": "wrong"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="handler@test.no"' in body
    assert "ikke riktig" in body


def test_password_change_page(handler_client):
    assert handler_client.get("/konto/password/change/").status_code == 200


def test_password_reset_sends_email(client, case_handler, mailoutbox):
    response = client.post("/konto/password/reset/", {"email": "handler@test.no"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/konto/password/reset/" in mailoutbox[0].body
