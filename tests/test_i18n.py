"""Language: the Norwegian catalogues are complete and in force, and English is one switch away.

- every catalogue (project and apps) has every entry translated, none fuzzy, plurals with all
  forms and the same placeholders as the message id;
- no translation of ours is shadowed at run time by another catalogue with the same message id
  (Django's own, or another app's listed earlier in INSTALLED_APPS): what the catalogue says is
  what the user sees;
- after POST /i18n/setlang/ with language=en, key pages for each role render in English (and
  without the switch, in Norwegian).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.approvals.factories import CaseFactory

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/nb/LC_MESSAGES/django.po") if ".venv" not in p.parts)
PLACEHOLDER = re.compile(r"%\([a-zA-Z_]\w*\)[sdifr]|%[sdif]|\{[a-zA-Z_0-9]*\}")


def _entries():
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if not entry.obsolete:
                yield path.relative_to(ROOT), entry


def test_the_catalogues_are_found():
    names = {str(p.relative_to(ROOT)).split("/")[0] for p in CATALOGUES}
    assert {"locale", "accounts", "approvals", "enterprises", "inspections"} <= names


def test_every_entry_is_translated_and_not_fuzzy():
    problems = []
    for path, entry in _entries():
        if "fuzzy" in entry.flags:
            problems.append(f"{path}: fuzzy {entry.msgid!r}")
        elif entry.msgid_plural:
            if len(entry.msgstr_plural) < 2 or not all(v.strip() for v in entry.msgstr_plural.values()):
                problems.append(f"{path}: plural forms missing for {entry.msgid!r}")
        elif not entry.msgstr.strip():
            problems.append(f"{path}: untranslated {entry.msgid!r}")
    assert not problems, "\n".join(problems)


def test_translations_keep_the_placeholders():
    problems = []
    for path, entry in _entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            if form and sorted(PLACEHOLDER.findall(form)) != expected:
                problems.append(f"{path}: {entry.msgid!r} -> {form!r}")
    assert not problems, "\n".join(problems)


def test_no_translation_is_shadowed_by_another_catalogue():
    """Django merges catalogues: LOCALE_PATHS first, then apps in INSTALLED_APPS order (so
    django.contrib.admin before ours), then Django's own. A message id that another catalogue
    also has gets that catalogue's text, whatever ours says: give it a context, or align it."""
    problems = []
    with translation.override("nb"):
        for path, entry in _entries():
            if entry.msgid_plural:
                got = [translation.ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 2)]
                want = [entry.msgstr_plural[0], entry.msgstr_plural[1]]
            elif entry.msgctxt:
                got, want = translation.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
            else:
                got, want = translation.gettext(entry.msgid), entry.msgstr
            if got != want:
                problems.append(f"{path}: {entry.msgid!r}: catalogue {want!r}, shown {got!r}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- pages in English
class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.lang = None
        self.headings: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        if tag in ("h1", "h2"):
            self._in = tag
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.headings[-1] += data


def _parse(response) -> _Headings:
    assert response.status_code == 200, response.status_code
    parser = _Headings()
    parser.feed(response.content.decode())
    parser.headings = [" ".join(h.split()) for h in parser.headings]
    return parser


def _norwegian_texts() -> set[str]:
    """Every Norwegian text of the catalogues that differs from its English message id."""
    texts = set()
    for _path, entry in _entries():
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        texts.update(f for f in forms if f and f != entry.msgid)
    return texts


NORWEGIAN_WORD = re.compile(r"[æøåÆØÅ]|\b(og|ikke|saker|søknader|vedtak|tilsyn|virksomheten|godkjente)\b")


def _english(client: Client) -> Client:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


@pytest.fixture
def pages(db, case_handler, provider_user, inspector):
    case = CaseFactory()
    return {
        "anon": (
            None,
            [
                (reverse("home"), "Occupational health services (BHT)"),
                (reverse("enterprises:obligation_check"), "Must the enterprise have an occupational health service?"),
                (reverse("approvals:register"), "Approved occupational health services"),
                (reverse("accounts:login"), "Log in"),
            ],
        ),
        "handler": (
            case_handler,
            [
                (reverse("approvals:case_queue"), "Case queue"),
                (reverse("approvals:case_detail", args=[case.pk]), f"Case {case.case_number}"),
                (reverse("approvals:followup_list"), "Follow-up tasks"),
            ],
        ),
        "provider": (provider_user, [(reverse("approvals:application_list"), "Applications for approval")]),
        "inspector": (inspector, [(reverse("inspections:inspection_list"), "Inspections")]),
    }


@pytest.mark.parametrize("role", ["anon", "handler", "provider", "inspector"])
def test_key_pages_render_in_english_after_the_switch(pages, role):
    user, urls = pages[role]
    client = Client()
    if user:
        client.force_login(user)
    _english(client)
    norwegian = _norwegian_texts()
    for url, headline in urls:
        page = _parse(client.get(url))
        assert page.lang == "en", url
        assert page.headings and page.headings[0].startswith(headline), (url, page.headings)
        for heading in page.headings:
            assert heading not in norwegian, (url, heading)
            assert not NORWEGIAN_WORD.search(heading), (url, heading)


def test_english_case_queue_shows_english_status_and_navigation(handler_client):
    CaseFactory()
    html = _english(handler_client).get(reverse("approvals:case_queue")).content.decode()
    assert "Submitted" in html and "Follow-up tasks" in html
    assert "Sendt inn" not in html and "Oppfølgingsoppgaver" not in html and "Saksliste" not in html


def test_pages_are_norwegian_without_the_switch(handler_client):
    CaseFactory()
    page = _parse(handler_client.get(reverse("approvals:case_queue")))
    assert page.lang == "nb"
    assert page.headings[0] == "Saksliste"


def test_switching_back_to_norwegian(db):
    client = _english(Client())
    assert _parse(client.get(reverse("home"))).headings[0] == "Occupational health services (BHT)"
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    assert _parse(client.get(reverse("home"))).headings[0] == "Bedriftshelsetjenester (BHT)"


def test_english_form_errors_are_english(db):
    client = _english(Client())
    html = client.post(reverse("accounts:login"), {"username": "nobody@test.no", "password": "x"}).content.decode()
    assert "The e-mail address or the password is not correct" in html
    assert "E-postadressen" not in html
