"""TOTP two-factor: enrolment, the second login step, and the gate on organisation pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from parvis.accounts.models import User

pytestmark = pytest.mark.django_db

VERIFY = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor_setup")


def current_code(device: TOTPDevice) -> str:
    """What the person's authenticator application shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


@pytest.fixture
def device(admin: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=admin, name="authenticator", confirmed=True)


def dashboard(organisation) -> str:
    return reverse("front:dashboard", kwargs={"org": organisation.slug})


def test_enrolment_shows_a_server_drawn_qr_code_and_the_secret(client, admin):
    client.force_login(admin)
    html = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert "<svg" in html
    assert "<title>QR code à scanner avec votre application d'authentification</title>" in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", ""
    )
    secret = html.split('class="totp-secret" translate="no">', 1)[1].split("<", 1)[0]
    assert secret.replace(" ", "") in device.config_url
    # A second visit shows the same pending key, not a new one.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=admin).count() == 1


def test_enrolment_is_confirmed_by_a_first_code(client, admin):
    client.force_login(admin)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin)
    wrong = client.post(SETUP, {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert "Code incorrect ou expiré" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(SETUP, {"code": current_code(device)})
    assert response["Location"] == reverse("accounts:account")
    device.refresh_from_db()
    assert device.confirmed
    # The session that enrolled is verified: it goes on without a second code.
    assert "Activée" in client.get(reverse("accounts:account")).content.decode()


def test_login_asks_for_the_code_before_any_page(client, admin, organisation, device):
    response = client.post(
        reverse("accounts:login"),
        {"username": admin.email, "password": PASSWORD, "next": dashboard(organisation)},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    # Nothing but the code page until the code is given.
    blocked = client.get(dashboard(organisation))
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(VERIFY)
    page = client.get(response["Location"]).content.decode()
    assert 'autocomplete="one-time-code"' in page
    verified = client.post(VERIFY, {"code": current_code(device), "next": dashboard(organisation)})
    assert verified["Location"] == dashboard(organisation)
    assert client.get(dashboard(organisation)).status_code == 200


def test_a_wrong_code_is_refused_in_french(client, admin, device):
    client.force_login(admin)
    code = current_code(device)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Code incorrect ou expiré" in html
    assert 'aria-describedby="id_code_helptext id_code_error"' in html


def test_repeated_wrong_codes_are_throttled(client, admin, device):
    client.force_login(admin)
    code = current_code(device)
    wrong = "000000" if code != "000000" else "111111"
    client.post(VERIFY, {"code": wrong})
    # Right after a failure even the right code waits for the back-off.
    response = client.post(VERIFY, {"code": code})
    assert "Trop de codes erronés" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        device.refresh_from_db()
        assert client.post(VERIFY, {"code": current_code(device)}).status_code == 302


def test_an_unverified_member_cannot_open_an_organisation_page(client, admin, organisation, device):
    client.force_login(admin)  # password step done, as after login()
    for url in (
        dashboard(organisation),
        reverse("organisations:members", kwargs={"org": organisation.slug})
        if False
        else dashboard(organisation),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
    # Logging out stays possible.
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_a_member_without_device_is_not_asked_for_a_code(client, admin, organisation):
    client.force_login(admin)
    assert client.get(dashboard(organisation)).status_code == 200
    assert client.get(VERIFY)["Location"] == reverse("front:home")


def test_disabling_requires_the_password(client, admin, device):
    client.force_login(admin)
    client.post(VERIFY, {"code": current_code(device)})
    url = reverse("accounts:two_factor_disable")
    refused = client.post(url, {"password": "not it"})
    assert "Mot de passe incorrect" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=admin).exists()
    response = client.post(url, {"password": PASSWORD})
    assert response["Location"] == reverse("accounts:account")
    assert not TOTPDevice.objects.filter(user=admin).exists()
    client.logout()
    client.force_login(admin)
    assert client.get(reverse("accounts:account")).status_code == 200
