"""Local accounts: log in by e-mail, lockout, logout, password storage, "mon compte"."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse

from conftest import PASSWORD, make_user
from parvis.accounts.models import User

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


@pytest.fixture
def camille() -> User:
    return make_user("camille@commune.test", "Camille Martin")


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def test_a_person_logs_in_with_their_email_whatever_its_case(client, camille):
    response = log_in(client, "Camille@Commune.TEST")
    assert response.status_code == 302
    assert response["Location"] == reverse("front:home")
    assert client.session["_auth_user_id"] == str(camille.pk)


def test_a_wrong_password_is_refused_in_french_and_tied_to_the_fields(client, camille):
    response = log_in(client, "camille@commune.test", "not the password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect" in html
    assert 'id="form-errors"' in html
    assert 'aria-describedby="form-errors"' in html
    assert 'autocomplete="current-password"' in html
    assert "_auth_user_id" not in client.session


def test_the_login_page_has_labelled_fields_and_no_proconnect_button_by_default(client):
    html = client.get(LOGIN).content.decode()
    assert '<label for="id_username">Adresse électronique' in html
    assert 'autocomplete="username"' in html
    assert "ProConnect" not in html


def test_logins_are_locked_after_the_configured_number_of_failures(client, camille, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert log_in(client, "camille@commune.test", "wrong").status_code == 200
    # Changing the case of the address does not give more attempts.
    locked = log_in(client, "CAMILLE@commune.test", "wrong")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Connexion temporairement bloquée" in html
    assert "bloquée après 3 tentatives erronées" in html
    assert "Vous pourrez réessayer dans 15 minutes, à partir de" in html
    # Even the right password is refused while the lockout lasts.
    assert log_in(client, "camille@commune.test").status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_success_resets_the_failure_count(client, camille, settings):
    settings.AXES_FAILURE_LIMIT = 2
    assert log_in(client, "camille@commune.test", "wrong").status_code == 200
    assert log_in(client, "camille@commune.test").status_code == 302
    client.logout()
    assert log_in(client, "camille@commune.test", "wrong").status_code == 200


def test_passwords_are_stored_with_argon2_in_production(settings, camille):
    production = settings.PRODUCTION_PASSWORD_HASHERS
    assert production[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = production
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$")
    assert check_password(PASSWORD, encoded)
    camille.set_password(PASSWORD)
    camille.save()
    camille.refresh_from_db()
    assert camille.password.startswith("argon2$")


def test_logout_is_a_post(client, camille):
    client.force_login(camille)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_the_account_page_changes_name_and_language(client, camille):
    client.force_login(camille)
    page = client.get(reverse("accounts:account")).content.decode()
    assert "Mon compte" in page
    assert "Double authentification" in page
    assert "Désactivée" in page
    response = client.post(
        reverse("accounts:account"), {"full_name": "Camille Durand", "language": "en"}
    )
    assert response.status_code == 302
    camille.refresh_from_db()
    assert (camille.full_name, camille.language) == ("Camille Durand", "en")
    assert response.cookies["django_language"].value == "en"


def test_logging_in_applies_the_language_preference(client, camille):
    camille.language = "en"
    camille.save()
    response = log_in(client, "camille@commune.test")
    assert response.cookies["django_language"].value == "en"


def test_a_person_changes_their_password(client, camille):
    client.force_login(camille)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new passphrase",
            "new_password2": "a much longer new passphrase",
        },
    )
    assert response["Location"] == reverse("accounts:account")
    camille.refresh_from_db()
    assert camille.check_password("a much longer new passphrase")
    # The session that changed the password stays logged in.
    assert client.get(reverse("accounts:account")).status_code == 200


def test_a_wrong_old_password_is_refused(client, camille):
    client.force_login(camille)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "x" * 20, "new_password2": "x" * 20},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
