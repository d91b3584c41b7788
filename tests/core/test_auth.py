"""Sign-in, sign-out, throttling, idle timeout and their audit rows."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from salesdesk.core.models import AuditEvent
from tests.org.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3", **extra
    )


def test_login_starts_a_new_session_and_is_audited_with_the_address(org):
    client = Client()
    client.get(reverse("login"))
    before = client.session.session_key
    response = _login(client, "rep")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session.session_key != before
    event = AuditEvent.objects.get(action="login")
    assert (event.actor, event.ip_address) == (org.rep, "10.1.2.3")


def test_failed_login_is_audited_and_shows_a_clear_error(org):
    response = _login(Client(), "rep", "wrong-password")
    assert response.status_code == 200 and "login-error" in response.content.decode()
    event = AuditEvent.objects.get(action="login_failed")
    assert (event.actor_name, event.ip_address) == ("rep", "10.1.2.3")


def test_repeated_failures_lock_the_account_for_a_while(org, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        _login(client, "rep", "wrong-password")
    response = _login(client, "rep")  # even the right password is refused while locked
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action="login_locked_out").exists()


def test_denied_access_is_audited_even_though_the_action_rolled_back(org):
    client = Client()
    client.force_login(org.rep)
    assert client.get(reverse("org:position_list")).status_code == 403
    event = AuditEvent.objects.get(action="access_denied")
    assert event.actor == org.rep and event.details["rule"] == "org.configure_positions"


def test_idle_sessions_end(org, settings):
    client = Client()
    client.force_login(org.rep)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["_last_seen"] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 5
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get(reverse("home")).status_code == 302


def test_logout_is_audited(org):
    client = Client()
    client.force_login(org.rep)
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(action="logout", actor=org.rep).exists()


def test_anonymous_visitors_are_sent_to_sign_in(org):
    response = Client().get(reverse("org:employee_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_audit_log_names_actions_in_the_readers_language(org, settings):
    _login(Client(), "rep", "wrong-password")
    client = Client()
    client.force_login(org.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("audit_log")).content.decode()
    assert "登录失败" in html and "login_failed" in html
