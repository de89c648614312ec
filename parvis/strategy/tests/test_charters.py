"""Charters: versions that are never lost, the public page, bad input."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parvis.audit.models import AuditEvent
from parvis.strategy import charters
from parvis.strategy.models import Article, CharterKind, CharterVersion

pytestmark = pytest.mark.django_db

MODERATION = CharterKind.MODERATION


def latest(organisation) -> CharterVersion:
    version = charters.current(organisation, MODERATION)
    assert version is not None
    return version


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"strategy:{name}", kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def started(client, community_manager, organisation) -> CharterVersion:
    """The moderation charter, version 1, written from the model by the community manager."""
    client.force_login(community_manager)
    response = client.post(url("start", organisation, kind=MODERATION))
    assert response.status_code == 302
    return latest(organisation)


def test_a_charter_starts_from_the_model_with_the_analysis_categories(started, organisation):
    assert started.number == 1
    categories = [a.category for a in started.articles.order_by("number")]
    assert categories[:3] == ["insult", "hate", "threat"]
    assert {"personal_data", "spam", "propaganda", "flooding", "copyright"} <= set(categories)
    event = AuditEvent.objects.get(action="charter.version_created")
    assert event.organisation_id == organisation.pk
    assert event.before is None
    assert event.after is not None
    assert event.after["version"] == 1


def test_starting_twice_does_not_overwrite_the_charter(client, started, organisation):
    client.post(url("start", organisation, kind=MODERATION))
    assert CharterVersion.objects.filter(organisation=organisation).count() == 1


def test_changing_an_article_writes_a_new_version_and_keeps_the_old_words(
    client, started, organisation
):
    old = started.articles.get(number=2)
    response = client.post(
        url("article_edit", organisation, kind=MODERATION, number=2),
        {"title": "Haine", "body": "Aucun propos haineux.", "category": "hate", "change_note": ""},
    )
    assert response.status_code == 302
    new = latest(organisation)
    assert new.number == 2
    assert new.change_note == "Article 2 modifié."
    assert new.articles.get(number=2).body == "Aucun propos haineux."
    old.refresh_from_db()  # the article a past decision cites is untouched
    assert old.version_id == started.pk
    assert old.body.startswith("Les propos haineux")
    assert new.articles.count() == started.articles.count()


def test_a_deleted_article_is_gone_from_the_new_version_only(client, started, organisation):
    cited = started.articles.get(number=3)
    count = started.articles.count()
    response = client.post(
        url("article_delete", organisation, kind=MODERATION, number=3),
        {"change_note": "Fusionné avec l'article 1"},
    )
    assert response.status_code == 302
    new = latest(organisation)
    numbers = list(new.articles.values_list("number", flat=True))
    assert numbers == list(range(1, count))  # the articles after it moved up
    assert new.articles.get(number=3).title == started.articles.get(number=4).title
    assert Article.objects.filter(pk=cited.pk).exists()
    page = client.get(url("charter_version", organisation, kind=MODERATION, number=1))
    assert "plus en vigueur" in page.content.decode()
    assert cited.title in page.content.decode()


def test_an_article_is_added_last(client, started, organisation):
    client.post(
        url("article_add", organisation, kind=MODERATION),
        {"title": "Usurpation", "body": "Se faire passer pour un autre.", "category": ""},
    )
    new = latest(organisation)
    last = new.articles.order_by("-number")[0]
    assert (last.number, last.title) == (started.articles.count() + 1, "Usurpation")


def test_the_public_page_needs_no_login_and_escapes_html(client, started, organisation):
    client.post(
        url("article_edit", organisation, kind=MODERATION, number=1),
        {"title": "<script>alert(1)</script>", "body": "<b>gras</b>", "category": "insult"},
    )
    client.logout()
    response = client.get(reverse("charters:charter", kwargs={"org": organisation.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    assert 'id="article-1"' in html
    old = client.get(started.public_url())
    assert old.status_code == 200
    assert "plus en vigueur" in old.content.decode()


def test_no_public_page_without_a_moderation_charter(client, organisation, admin):
    charters.write(
        organisation,
        CharterKind.INTERNAL,
        charters.model_charter(CharterKind.INTERNAL, organisation),
        actor=admin,
        note="",
    )
    assert (
        client.get(reverse("charters:charter", kwargs={"org": organisation.slug})).status_code
        == 404
    )
    assert client.get(reverse("charters:charter", kwargs={"org": "nowhere"})).status_code == 404


def test_a_text_too_long_is_refused_in_french_and_nothing_is_lost(client, started, organisation):
    response = client.post(
        url("article_edit", organisation, kind=MODERATION, number=1),
        {"title": "Insultes", "body": "x" * 100_000, "category": "insult"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Assurez-vous que cette valeur comporte au plus" in html
    assert re.search(r"20[\s\u202f]?000 caractères", html)
    assert CharterVersion.objects.filter(organisation=organisation).count() == 1
    assert started.articles.get(number=1).title == "Insultes et attaques personnelles"


def test_a_reader_reads_the_charter_but_sees_no_edit_link(client, started, reader, organisation):
    client.force_login(reader)
    html = client.get(url("charter", organisation, kind=MODERATION)).content.decode()
    assert "Insultes et attaques personnelles" in html
    assert url("article_add", organisation, kind=MODERATION) not in html
    assert client.post(url("start", organisation, kind=CharterKind.INTERNAL)).status_code == 403


def test_an_unknown_charter_is_404(client, community_manager, organisation):
    client.force_login(community_manager)
    assert client.get(url("charter", organisation, kind="secrete")).status_code == 404


def test_a_second_editor_changes_the_version_in_force_not_the_one_first_read(
    client, started, organisation
):
    """Two editors: the second one's change goes on top of the first one's, not over it."""
    client.post(  # the first editor changes article 1
        url("article_edit", organisation, kind=MODERATION, number=1),
        {"title": "Insultes", "body": "Pas d'insultes.", "category": "insult"},
    )
    # The second editor's form was opened on version 1; deleting the last article of version 2.
    last = started.articles.count()
    client.post(url("article_delete", organisation, kind=MODERATION, number=last), {})
    new = latest(organisation)
    assert new.number == 3
    assert new.articles.get(number=1).body == "Pas d'insultes."
    assert new.articles.count() == last - 1


def test_an_article_deleted_meanwhile_is_reported_and_nothing_is_saved(
    client, started, organisation
):
    charters.write(
        organisation,
        MODERATION,
        charters.CharterText(started.title, started.introduction, ()),
        actor=None,
        note="Tout réécrire",
    )
    response = client.post(
        url("article_delete", organisation, kind=MODERATION, number=2), {}, follow=True
    )
    assert response.status_code == 404  # the page of an article that is gone
    assert latest(organisation).number == 2
    with pytest.raises(charters.ArticleGoneError):
        charters.without_article(charters.text_of(started), 99)
