"""Curated sources: feed items suggested for sharing, with the laudatory check applied."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from parvis.connectors.feeds.models import FeedItem, FeedSource, SourceUse
from parvis.publishing.models import Post, SuggestionDismissal

pytestmark = pytest.mark.django_db


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"publishing:{name}", kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def items(organisation):
    source = FeedSource.objects.create(
        organisation=organisation, name="Presse locale", url="https://presse.test/rss"
    )
    FeedSource.objects.create(
        organisation=organisation,
        name="Veille",
        url="https://veille.test/rss",
        use=SourceUse.LISTENING,
    )
    praise = FeedItem.objects.create(
        source=source,
        dedup_key="a",
        title="Bravo à la Commune de Test, la meilleure mairie : un travail exemplaire, merci !",
        url="https://presse.test/bravo",
    )
    news = FeedItem.objects.create(
        source=source,
        dedup_key="b",
        title="Le marché de Noël ouvre samedi place de la République",
        url="https://presse.test/marche",
        summary_text="Trente exposants et des animations pour les enfants.",
    )
    return praise, news


def test_suggestions_flag_praise_of_the_organisation(client, organisation, reader, items):
    praise, news = items
    client.force_login(reader)
    page = html.unescape(client.get(url("suggestions", organisation)).content.decode())
    assert praise.title in page
    assert news.title in page
    assert "repost.laudatory" in page
    assert page.count("repost.laudatory") == 1
    assert "Partager" not in page  # a reader reads, does not share


def test_sharing_opens_a_draft_and_marks_it_shared(client, organisation, contributor, items):
    _praise, news = items
    client.force_login(contributor)
    response = client.post(url("share", organisation, pk=news.pk))
    post = Post.objects.get()
    assert response["Location"] == url("edit", organisation, pk=post.pk)
    assert post.text == f"{news.title} {news.url}"
    assert post.source_item == news
    page = html.unescape(client.get(url("suggestions", organisation)).content.decode())
    assert "déjà partagé" in page


def test_a_dismissed_item_is_no_longer_suggested(client, organisation, contributor, items):
    praise, news = items
    client.force_login(contributor)
    answer = client.post(url("dismiss", organisation, pk=praise.pk), follow=True)
    assert "n'est plus suggéré" in html.unescape(answer.content.decode())
    assert SuggestionDismissal.objects.filter(item=praise).exists()
    page = html.unescape(client.get(url("suggestions", organisation)).content.decode())
    assert praise.title not in page
    assert news.title in page


def test_a_listening_source_is_not_suggested_and_a_broken_one_says_why(
    client, organisation, reader, items
):
    listening = FeedSource.objects.get(use=SourceUse.LISTENING)
    FeedItem.objects.create(source=listening, dedup_key="c", title="Article de veille")
    FeedSource.objects.filter(use=SourceUse.SHARING).update(
        last_error="Le serveur ne répond pas (délai dépassé)."
    )
    client.force_login(reader)
    page = html.unescape(client.get(url("suggestions", organisation)).content.decode())
    assert "Article de veille" not in page
    assert "La source « Presse locale » est en erreur : Le serveur ne répond pas" in page
    client.force_login(reader)
    assert client.post(url("share", organisation, pk=items[1].pk)).status_code == 403
