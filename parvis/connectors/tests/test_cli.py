"""``parvis account``: connect and list accounts from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from parvis.connectors.models import ConnectedAccount

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("account", *args, stdout=out)
    return out.getvalue()


def test_a_mastodon_account_is_connected_with_an_existing_token(organisation, mock):
    output = run(
        "add", "mastodon", "--org", organisation.slug, "--instance", mock.url,
        "--token", mock.tokens["ville"],
    )  # fmt: skip

    account = ConnectedAccount.objects.get(organisation=organisation)
    assert account.handle == f"ville@127.0.0.1:{mock.port}"
    assert f"#{account.pk} {account.handle}" in output
    listing = run("list")
    assert account.handle in listing
    assert "Opérationnel" in listing


def test_a_wrong_token_is_refused_with_the_reason(organisation, mock):
    with pytest.raises(CommandError, match="reconnectez"):
        run("add", "mastodon", "--org", organisation.slug, "--instance", mock.url, "--token", "x")
    assert not ConnectedAccount.objects.exists()


def test_an_unknown_organisation_is_named(mock):
    with pytest.raises(CommandError, match="Organisation inconnue : nulle-part"):
        run("add", "mastodon", "--org", "nulle-part", "--instance", mock.url, "--token", "x")


def test_a_bad_instance_address_gets_the_form_s_message(organisation):
    with pytest.raises(CommandError, match="sans chemin"):
        run(
            "add",
            "mastodon",
            "--org",
            organisation.slug,
            "--instance",
            "https://a.fr/x",
            "--token",
            "t",
        )


def test_the_list_says_when_there_is_nothing():
    assert "Aucun compte connecté" in run("list")
