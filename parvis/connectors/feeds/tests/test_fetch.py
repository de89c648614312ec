"""Fetching sources from real HTTP servers on 127.0.0.1: every failure ends on the source."""

from __future__ import annotations

import datetime as dt
import gzip
import logging
import time

import pytest
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.connectors.feeds import fetch, pacing
from parvis.connectors.feeds.download import FEED_MAX_BYTES
from parvis.connectors.feeds.errors import FeedError
from parvis.connectors.feeds.fetch import fetch_source
from parvis.connectors.feeds.models import FeedItem, FeedSource, Health
from parvis.connectors.feeds.parsing import parse_feed
from parvis.connectors.feeds.tests.conftest import RSS, document, dripping_server
from parvis.core.http.tests.servers import Reply, free_port, silent_server

pytestmark = pytest.mark.django_db

TEN_MB = 10 * 1024 * 1024


def refreshed(source: FeedSource) -> FeedSource:
    source.refresh_from_db()
    return source


def when(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return moment


def titles(source: FeedSource) -> set[str]:
    return set(FeedItem.objects.filter(source=source).values_list("title", flat=True))


# --- Documents ---------------------------------------------------------------------------


def test_a_ministry_atom_feed_is_stored_with_its_items(feed_server, make_source):
    url = feed_server.serve_document("/actualites.atom", "ministere-actualites.atom")
    source = make_source(url, "Ministère")

    outcome = fetch_source(source.pk)

    assert (outcome.status, outcome.new_items) == ("ok", 4)
    source = refreshed(source)
    assert source.health == Health.OK
    assert source.feed_title == "Ministère de l'Exemple — Actualités"
    assert source.site_url == "https://www.exemple.gouv.fr/actualites"
    assert source.last_success_at == source.last_fetched_at
    assert source.consecutive_failures == 0
    assert source.last_status == 200
    item = FeedItem.objects.get(source=source, guid__endswith="/node/48213")
    assert item.published_at == dt.datetime(2026, 3, 12, 15, 30, tzinfo=dt.UTC)
    assert item.image_url.endswith("/plan-eau.jpg")
    received = feed_server.requests_to("/actualites.atom")[0]
    assert "application/atom+xml" in received.headers["accept"]
    assert received.headers["user-agent"].startswith("Parvis/")


def test_relative_links_are_resolved_against_the_address_the_feed_came_from(
    feed_server, make_source
):
    body = (
        '<rss version="2.0"><channel><title>Mairie</title><item><title>Budget</title>'
        "<link>/actualites/budget</link><description>&lt;a href=&quot;/budget.pdf&quot;&gt;"
        "Le budget&lt;/a&gt;</description></item></channel></rss>"
    )
    feed_server.serve("/v2/rss.xml", Reply(body=body, headers=RSS))
    source = make_source(feed_server.serve("/rss", Reply(302, headers={"Location": "/v2/rss.xml"})))
    fetch_source(source.pk)
    item = FeedItem.objects.get(source=source)
    assert item.url == f"{feed_server.url}/actualites/budget"
    assert f'href="{feed_server.url}/budget.pdf"' in item.summary_html


def test_scripts_in_descriptions_never_reach_the_database(feed_server, make_source):
    source = make_source(feed_server.serve_document("/rss.xml", "ville-actualites.rss"))
    fetch_source(source.pk)

    stored = " ".join(FeedItem.objects.values_list("summary_html", flat=True)).lower()
    assert FeedItem.objects.count() == 4
    assert "<script" not in stored
    assert "onerror" not in stored
    assert "javascript:" not in stored


def test_a_second_fetch_of_the_same_document_adds_nothing(feed_server, make_source):
    source = make_source(feed_server.serve_document("/rss.xml", "ville-actualites.rss"))
    assert fetch_source(source.pk).new_items == 4

    again = fetch_source(source.pk)

    assert (again.status, again.new_items, again.updated_items) == ("ok", 0, 0)
    assert FeedItem.objects.filter(source=source).count() == 4


def test_a_later_document_adds_the_new_item_and_updates_the_changed_ones(feed_server, make_source):
    url = feed_server.serve(
        "/rss.xml",
        Reply(body=document("ville-actualites.rss"), headers=RSS),
        Reply(body=document("ville-actualites-suite.rss"), headers=RSS),
    )
    source = make_source(url)
    fetch_source(source.pk)
    works = FeedItem.objects.get(source=source, title__startswith="Travaux")
    first_seen = works.fetched_at

    later = fetch_source(source.pk)

    assert later.new_items == 1  # the market; the four others were known (guid, link, hash)
    assert FeedItem.objects.filter(source=source).count() == 5
    works.refresh_from_db()
    assert works.title.endswith("jusqu\u2019au 27 mars")
    assert works.summary_text == "Les travaux sont prolongés d'une semaine."
    assert works.fetched_at == first_seen


def test_the_same_story_in_two_sources_of_the_organisation_is_recognised(
    feed_server, make_source, other_organisation
):
    ministry = make_source(
        feed_server.serve_document("/ministere.atom", "ministere-actualites.atom"),
        "Ministère",
    )
    prefecture = make_source(
        feed_server.serve_document("/prefecture.rss", "prefecture-relais.rss"),
        "Préfecture",
    )
    elsewhere = FeedSource.objects.create(
        organisation=other_organisation, name="Ailleurs", url=feed_server.url + "/ministere.atom"
    )
    for source in (ministry, prefecture, elsewhere):
        fetch_source(source.pk)

    plan = FeedItem.objects.get(source=ministry, title__startswith="Plan « Eau »")
    relayed = FeedItem.objects.get(source=prefecture, title__startswith="Plan Eau")
    assert list(FeedItem.objects.copies_of(plan)) == [relayed]
    annotated = FeedItem.objects.of(ministry.organisation).with_copy_count()
    counts = dict(annotated.values_list("title", "copy_count"))  # type: ignore[misc]
    assert counts[plan.title] == 1
    assert counts[relayed.title] == 1
    assert counts["Canicule : les bons réflexes à adopter"] == 0
    stories = FeedItem.objects.of(ministry.organisation).distinct_stories()
    assert stories.count() == 5  # 4 + 2 items, one story carried by both sources


def test_latin1_bytes_declared_utf8_are_stored_readable_with_a_warning(feed_server, make_source):
    source = make_source(
        feed_server.serve(
            "/agenda.rss",
            Reply(
                body=document("agenda-latin1-declare-utf8.rss"),
                headers={"Content-Type": "application/rss+xml; charset=UTF-8"},
            ),
        )
    )

    assert fetch_source(source.pk).status == "ok"

    source = refreshed(source)
    assert "Fête de la nature au domaine départemental de Préaux" in titles(source)
    assert "déclare l'encodage UTF-8" in source.last_warning
    assert source.health == Health.OK


def test_a_malformed_feed_keeps_its_readable_items_and_stores_the_problem(feed_server, make_source):
    source = make_source(feed_server.serve_document("/asso.rss", "associations-mal-forme.rss"))
    fetch_source(source.pk)
    source = refreshed(source)
    assert len(titles(source)) == 2
    assert "n'est pas un document XML valide" in source.last_warning


def test_a_gzip_compressed_feed_is_read(feed_server, make_source):
    body = gzip.compress(document("ville-actualites.rss"))
    source = make_source(
        feed_server.serve("/rss.xml", Reply(body=body, headers={**RSS, "Content-Encoding": "gzip"}))
    )
    assert fetch_source(source.pk).new_items == 4
    assert "gzip" in feed_server.requests_to("/rss.xml")[0].headers["accept-encoding"]


# --- Conditional GET and redirects -----------------------------------------------------------


def test_the_etag_is_sent_back_and_a_304_changes_nothing_but_the_fetch_time(
    feed_server, make_source
):
    url = feed_server.serve_with(
        "/rss.xml",
        lambda received: (
            Reply(304)
            if received.headers.get("if-none-match") == '"v1"'
            else Reply(
                body=document("ville-actualites.rss"),
                headers={**RSS, "ETag": '"v1"', "Last-Modified": "Thu, 12 Mar 2026 17:02:11 GMT"},
            )
        ),
    )
    source = make_source(url)
    fetch_source(source.pk)
    first = FeedSource.objects.get(pk=source.pk)
    assert (first.etag, first.last_modified) == ('"v1"', "Thu, 12 Mar 2026 17:02:11 GMT")
    FeedItem.objects.filter(source=source).update(title="Gardé tel quel")

    outcome = fetch_source(source.pk)

    assert outcome.status == "not_modified"
    second = feed_server.requests_to("/rss.xml")[1]
    assert second.headers["if-none-match"] == '"v1"'
    assert second.headers["if-modified-since"] == "Thu, 12 Mar 2026 17:02:11 GMT"
    source = refreshed(source)
    assert when(source.last_fetched_at) > when(first.last_fetched_at)
    assert (source.etag, source.feed_title, source.last_status) == ('"v1"', first.feed_title, 304)
    assert titles(source) == {"Gardé tel quel"}


def test_a_temporary_redirect_is_followed_and_the_address_kept(feed_server, make_source):
    feed_server.serve_document("/nouveau.rss", "ville-actualites.rss")
    url = feed_server.serve("/rss", Reply(302, headers={"Location": "/nouveau.rss"}))
    source = make_source(url)

    assert fetch_source(source.pk).new_items == 4

    source = refreshed(source)
    assert source.url == url
    assert source.last_warning == ""


def test_a_permanent_redirect_updates_the_address_and_says_so(feed_server, make_source):
    new_url = feed_server.serve_document("/feed/", "ville-actualites.rss")
    old_url = feed_server.serve("/rss.php", Reply(301, headers={"Location": new_url}))
    source = make_source(old_url)

    fetch_source(source.pk)

    source = refreshed(source)
    assert source.url == new_url
    assert "déménagé définitivement" in source.last_warning
    assert new_url in source.last_warning
    event = AuditEvent.objects.get(action="feed_source.updated")
    assert (event.before, event.after) == ({"url": old_url}, {"url": new_url})
    assert event.actor_id is None
    fetch_source(source.pk)
    assert len(feed_server.requests_to("/rss.php")) == 1  # the old address is not asked again


def test_a_permanent_then_temporary_redirect_keeps_the_first_new_address(feed_server, make_source):
    feed_server.serve_document("/v2/flux.xml", "ville-actualites.rss")
    middle = feed_server.serve("/flux", Reply(307, headers={"Location": "/v2/flux.xml"}))
    source = make_source(feed_server.serve("/rss", Reply(308, headers={"Location": middle})))
    fetch_source(source.pk)
    assert refreshed(source).url == middle


def test_a_permanent_redirect_to_an_address_already_followed_is_not_taken(feed_server, make_source):
    new_url = feed_server.serve_document("/feed/", "ville-actualites.rss")
    make_source(new_url, "Déjà suivie")
    old_url = feed_server.serve("/rss.php", Reply(301, headers={"Location": new_url}))
    source = make_source(old_url, "Ancienne adresse")

    fetch_source(source.pk)

    source = refreshed(source)
    assert source.url == old_url
    assert "une autre source de l'organisation suit déjà cette adresse" in source.last_warning


# --- Failures -------------------------------------------------------------------------------


def assert_failed(source: FeedSource, reason: str, *, permanent: bool, outcome) -> FeedSource:
    assert outcome.status == "failed"
    assert outcome.permanent is permanent
    assert reason in outcome.reason
    source = refreshed(source)
    assert source.health == Health.FAILING
    assert reason in source.last_error
    assert source.last_error_at == source.last_fetched_at
    assert source.last_success_at is None or source.last_success_at < when(source.last_error_at)
    return source


def test_a_404_is_a_permanent_failure_stored_on_the_source(feed_server, make_source):
    source = make_source(feed_server.url + "/disparu.xml")
    outcome = fetch_source(source.pk)
    source = assert_failed(source, "Flux introuvable (erreur 404)", permanent=True, outcome=outcome)
    assert source.last_status == 404
    assert source.consecutive_failures == 1


def test_a_410_says_the_feed_was_removed(feed_server, make_source):
    source = make_source(feed_server.serve("/ancien.xml", Reply(410, "Gone")))
    outcome = fetch_source(source.pk)
    assert_failed(source, "supprimé par son éditeur (erreur 410)", permanent=True, outcome=outcome)


def test_server_errors_are_transient_and_push_the_next_fetch_later_each_time(
    feed_server, make_source
):
    source = make_source(feed_server.serve("/rss.xml", Reply(500, "Internal Server Error")))
    waits = []
    for _attempt in range(3):
        before = timezone.now()
        outcome = fetch_source(source.pk)
        source = assert_failed(source, "en erreur (erreur 500)", permanent=False, outcome=outcome)
        waits.append(when(source.next_fetch_at) - before)
    assert source.consecutive_failures == 3
    assert waits[0] >= pacing.DEFAULT_INTERVAL
    assert waits[1] >= 2 * pacing.DEFAULT_INTERVAL
    assert waits[2] >= 4 * pacing.DEFAULT_INTERVAL


def test_a_503_with_retry_after_is_honoured(feed_server, make_source):
    source = make_source(feed_server.serve("/rss.xml", Reply(503, headers={"Retry-After": "7200"})))
    before = timezone.now()
    outcome = fetch_source(source.pk)
    assert outcome.retry_after == 7200
    assert when(refreshed(source).next_fetch_at) >= before + dt.timedelta(hours=2)
    assert len(feed_server.requests_to("/rss.xml")) == 1  # the wrapper did not wait in the call


def test_success_after_failures_resets_the_health(feed_server, make_source):
    source = make_source(
        feed_server.serve(
            "/rss.xml", Reply(502), Reply(body=document("ville-actualites.rss"), headers=RSS)
        )
    )
    fetch_source(source.pk)
    assert refreshed(source).health == Health.FAILING

    fetch_source(source.pk)

    source = refreshed(source)
    assert source.health == Health.OK
    assert source.consecutive_failures == 0
    assert "502" in source.last_error  # kept for the record, no longer shown as current


def test_a_document_over_ten_megabytes_is_refused_with_its_reason(feed_server, make_source):
    body = b"<rss>" + b" " * TEN_MB
    source = make_source(feed_server.serve("/enorme.xml", Reply(body=body, headers=RSS)))
    outcome = fetch_source(source.pk)
    assert_failed(
        source, "dépasse la taille maximale d'un flux (5 Mo)", permanent=True, outcome=outcome
    )
    assert FeedItem.objects.count() == 0


def test_a_stream_without_end_is_cut_at_the_size_cap(feed_server, make_source):
    source = make_source(feed_server.serve("/flux", Reply(stream_bytes=20 * FEED_MAX_BYTES)))
    started = time.monotonic()
    outcome = fetch_source(source.pk)
    assert time.monotonic() - started < 10
    assert_failed(source, "taille maximale d'un flux", permanent=True, outcome=outcome)


def test_a_server_that_drips_for_ever_is_abandoned_at_the_deadline(settings, make_source):
    settings.PARVIS_HTTP_TIMEOUT = 1
    with dripping_server() as port:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{port}"]
        source = make_source(f"http://127.0.0.1:{port}/rss.xml")
        started = time.monotonic()
        outcome = fetch_source(source.pk)
        elapsed = time.monotonic() - started
    assert 3.5 < elapsed < 8
    assert_failed(source, "trop lentement", permanent=False, outcome=outcome)


def test_a_server_that_never_answers_times_out(settings, make_source):
    settings.PARVIS_HTTP_TIMEOUT = 1
    with silent_server() as port:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{port}"]
        source = make_source(f"http://127.0.0.1:{port}/rss.xml")
        started = time.monotonic()
        outcome = fetch_source(source.pk)
    assert time.monotonic() - started < 5
    assert_failed(
        source, "n'a pas répondu dans le délai imparti (1 s)", permanent=False, outcome=outcome
    )


def test_a_refused_connection_is_transient(settings, make_source):
    port = free_port()
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{port}"]
    source = make_source(f"http://127.0.0.1:{port}/rss.xml")
    outcome = fetch_source(source.pk)
    assert_failed(
        source, "Connexion au serveur distant impossible", permanent=False, outcome=outcome
    )


def test_an_html_page_is_refused_and_its_feed_suggested(feed_server, make_source):
    source = make_source(
        feed_server.serve(
            "/", Reply(body=document("page-accueil.htm"), headers={"Content-Type": "text/html"})
        )
    )
    outcome = fetch_source(source.pk)
    source = assert_failed(source, "page web, pas à un flux", permanent=True, outcome=outcome)
    assert source.suggested_url == f"{feed_server.url}/actualites/rss.xml"


def test_a_loopback_address_is_refused_without_the_allowance(feed_server, settings, make_source):
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
    source = make_source(feed_server.serve_document("/rss.xml", "ville-actualites.rss"))
    outcome = fetch_source(source.pk)
    assert_failed(source, "Adresse refusée", permanent=True, outcome=outcome)
    assert feed_server.server.received == []


def test_a_bug_on_a_strange_feed_is_stored_and_logged_never_raised(
    feed_server, make_source, monkeypatch, caplog
):
    def broken(*_args, **_kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(fetch, "parse_feed", broken)
    source = make_source(feed_server.serve_document("/rss.xml", "ville-actualites.rss"))
    with caplog.at_level(logging.ERROR, logger="parvis.feeds"):
        outcome = fetch_source(source.pk)
    assert_failed(source, "Erreur inattendue", permanent=True, outcome=outcome)
    assert "RecursionError" in caplog.text


def test_an_inactive_source_is_fetched_only_when_asked(feed_server, make_source):
    source = make_source(
        feed_server.serve_document("/rss.xml", "ville-actualites.rss"),
        is_active=False,
    )
    assert fetch_source(source.pk).status == "skipped"
    assert feed_server.server.received == []
    assert fetch_source(source.pk, manual=True).new_items == 4


def test_a_deleted_source_is_skipped():
    assert fetch_source(123456).status == "skipped"


def test_items_beyond_the_bound_are_forgotten_oldest_first(feed_server, make_source):
    source = make_source(feed_server.serve_document("/rss.xml", "ville-actualites.rss"))
    fetch_source(source.pk)
    assert fetch.prune_items(source, keep=2) == 2
    assert titles(source) == {
        "Travaux rue de la République : circulation alternée jusqu\u2019au 20 mars",
        "Inscriptions au centre de loisirs pour les vacances de printemps",
    }


def test_feedparser_never_fetches_an_address_given_as_the_document(feed_server):
    address = feed_server.serve_document("/rss.xml", "ville-actualites.rss")
    with pytest.raises(FeedError):
        parse_feed(address.encode(), url=address)
    assert feed_server.server.received == []
