"""The identity of a page, whatever decorations two feeds add to its address."""

from __future__ import annotations

import pytest

from parvis.connectors.feeds.urlnorm import normalise_url, safe_url


@pytest.mark.parametrize(
    "url",
    [
        "https://www.exemple.gouv.fr/actualites/plan-eau/?utm_source=rss&utm_medium=rss",
        "http://exemple.gouv.fr/actualites/plan-eau",
        "https://WWW.Exemple.gouv.fr:443/actualites/plan-eau#haut",
        "https://exemple.gouv.fr/actualites/plan-eau?xtor=RSS-1",
        "https://exemple.gouv.fr/actualites/plan%2Deau",
    ],
)
def test_decorations_of_one_address_normalise_to_the_same_page(url):
    assert normalise_url(url) == "exemple.gouv.fr/actualites/plan-eau"


def test_query_parameters_that_name_the_page_are_kept_sorted():
    assert (
        normalise_url("https://mairie.fr/agenda?page=2&categorie=sport&fbclid=abc")
        == "mairie.fr/agenda?categorie=sport&page=2"
    )


def test_a_different_port_or_path_is_a_different_page():
    assert normalise_url("https://mairie.fr:8443/a") == "mairie.fr:8443/a"
    assert normalise_url("https://mairie.fr/a") != normalise_url("https://mairie.fr/b")


def test_accented_paths_have_one_spelling():
    assert normalise_url("https://mairie.fr/f%C3%AAte") == normalise_url("https://mairie.fr/fête")


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "data:text/html,<b>", "ftp://mairie.fr/a", "", None, "/a"]
)
def test_only_absolute_web_addresses_are_safe(value):
    assert safe_url(value) == ""
    assert normalise_url(value or "") == ""


def test_a_relative_link_is_resolved_against_the_feed():
    assert safe_url("/actualites/a", base="https://mairie.fr/rss.xml") == (
        "https://mairie.fr/actualites/a"
    )
    assert safe_url("javascript:alert(1)", base="https://mairie.fr/rss.xml") == ""
