"""Every user-facing string is translated: the committed zh_Hans catalogue covers every marked
string in the code and templates, and pages really change language."""

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "salesdesk/locale/zh_Hans/LC_MESSAGES/django.po"


def _catalogue(path: Path):
    with path.open("rb") as po_file:
        return read_po(po_file)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def test_every_message_in_the_catalogue_is_translated():
    missing = [m.id for m in _catalogue(PO) if m.id and not _translated(m)]
    assert not missing, f"untranslated or fuzzy: {missing}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext to extract messages")
def test_the_catalogue_covers_every_marked_string(tmp_path, monkeypatch, settings):
    shutil.copytree(
        Path(settings.BASE_DIR) / "salesdesk",
        tmp_path / "salesdesk",
        ignore=shutil.ignore_patterns("static", "*.mo"),
    )
    settings.LOCALE_PATHS = [tmp_path / "salesdesk/locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["zh_Hans"], no_location=True, verbosity=0)
    extracted = {
        m.id for m in _catalogue(tmp_path / "salesdesk/locale/zh_Hans/LC_MESSAGES/django.po") if m.id
    }
    committed = {m.id for m in _catalogue(PO) if m.id and _translated(m)}
    assert extracted - committed == set(), "marked in the code but not translated"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("zh-hans", ["员工", "组织架构", "退出登录"], ["Employees", "Org chart"]),
        ("en", ["Employees", "Org chart", "Sign out"], ["员工"]),
    ],
)
def test_pages_are_shown_in_the_chosen_language(org, language, expected, absent):
    client = Client()
    client.force_login(org.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (
        reverse("home"),
        reverse("org:employee_list"),
        reverse("org:chart"),
        reverse("org:delegation_list"),
    ):
        html = client.get(url).content.decode()
        assert all(text in html for text in expected), url
        assert not any(f">{text}<" in html for text in absent), url


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("zh-hans", "无权"), ("en", "not allowed")])
def test_error_pages_speak_both_languages(org, language, text):
    client = Client()
    client.force_login(org.rep)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("org:position_list"))
    assert response.status_code == 403 and text in response.content.decode()
    response = client.get("/no/such/page/")
    assert response.status_code == 404
