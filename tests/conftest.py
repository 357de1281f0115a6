"""Shared fixtures: users per role, a logged-in client per role, the browser harness and
a real Celery worker (when a broker is configured)."""

import os

import pytest

from tests.factories import PASSWORD, ProviderFactory, UserFactory

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# under a running loop unless told it is safe (it is: one thread, no real async code).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _eager_celery_by_default():
    """Tasks run in-process unless a test asks for the real worker (celery_worker_real)."""
    from bht_portal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    """Uploaded files and e-mails go to a temporary folder, never the developer's var/;
    passwords are hashed with a fast hasher (the default one is slow on purpose)."""
    root = tmp_path_factory.mktemp("private")
    settings.MEDIA_ROOT = str(root)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def provider(db):
    return ProviderFactory()


@pytest.fixture
def case_handler(db):
    return UserFactory(case_handler=True, email="handler@test.no", full_name="Hanne Handler")


@pytest.fixture
def inspector(db):
    return UserFactory(inspector=True, email="inspector@test.no")


@pytest.fixture
def admin_user(db):
    return UserFactory(admin=True, email="admin@test.no")


@pytest.fixture
def provider_user(db, provider):
    return UserFactory(role="provider", provider=provider, email="provider@test.no")


@pytest.fixture
def other_provider_user(db):
    return UserFactory(provider_user=True, email="other-provider@test.no")


@pytest.fixture
def enterprise_user(db):
    return UserFactory(enterprise_user=True, email="enterprise@test.no")


def _client_for(client_class, user):
    c = client_class()
    c.force_login(user)
    return c


@pytest.fixture
def handler_client(case_handler):
    from django.test import Client

    return _client_for(Client, case_handler)


@pytest.fixture
def provider_client(provider_user):
    from django.test import Client

    return _client_for(Client, provider_user)


@pytest.fixture
def other_provider_client(other_provider_user):
    from django.test import Client

    return _client_for(Client, other_provider_user)


# ---------------------------------------------------------------- browser harness
@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/setup.sh (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nb-NO")
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def login(page, password):
    """login(email) signs in through the real login form."""

    def _login(email, pw=None):
        page.goto("/konto/login/")
        page.get_by_label("E-post").fill(email)
        page.get_by_label("Passord").fill(pw or password)
        page.get_by_role("button", name="Logg inn").last.click()
        page.wait_for_load_state("networkidle")

    return _login


@pytest.fixture
def axe_check(page):
    """axe_check() runs axe-core on the current page and fails on serious/critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def _check(context: str = ""):
        results = axe.run(page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        detail = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in bad
        )
        assert not bad, f"axe violations on {context or page.url}:\n{detail}"
        return results

    return _check


# ---------------------------------------------------------------- Celery
@pytest.fixture
def celery_worker_real(transactional_db, settings):
    """A real Celery worker (in a thread) consuming from the configured broker.

    Needs CELERY_BROKER_URL (CI sets it to the machine's Redis); without one the test is
    skipped with the reason, and tasks elsewhere run eagerly in-process.
    """
    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker:
        pytest.skip("needs CELERY_BROKER_URL/REDIS_URL (a real broker); .ci/run sets it")
    from celery.contrib.testing.worker import start_worker

    from bht_portal.celery import app

    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = broker
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20) as worker:
        yield worker
    app.conf.task_always_eager = True


# ---------------------------------------------------------------- identity providers
@pytest.fixture
def start_idp(tmp_path, settings):
    """start_idp("idporten" | "entra", base_url=...) starts the real OpenID Connect provider
    (tests/oidc/provider.mjs) on loopback and points the portal's settings at it."""
    from accounts import oidc
    from tests.oidc.idp import start_idp as _start

    started = []

    def _start_one(kind, base_url="http://testserver", **extra):
        idp = _start(tmp_path, kind, base_url=base_url)
        started.append(idp)
        settings.OIDC_PROVIDERS = {**settings.OIDC_PROVIDERS, kind: idp.settings_entry(**extra)}
        oidc.forget_clients()
        return idp

    yield _start_one
    for idp in started:
        idp.stop()
    oidc.forget_clients()
