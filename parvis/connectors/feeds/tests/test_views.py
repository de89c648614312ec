"""Settings > Sources: community managers add, fetch, edit and remove the organisation's feeds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parvis.audit.models import AuditEvent
from parvis.connectors.feeds import tasks
from parvis.connectors.feeds.fetch import fetch_source
from parvis.connectors.feeds.models import FeedItem, FeedSource, SourceUse
from parvis.connectors.feeds.tests.conftest import document
from parvis.core.http.tests.servers import Reply
from parvis.jobs.outcomes import Result

pytestmark = pytest.mark.django_db

CHANGE_PAGES = ["source_create", "source_edit", "source_delete", "source_fetch"]


def url(name: str, organisation, **kwargs: object) -> str:
    return reverse(f"feeds:{name}", kwargs={"org": organisation.slug, **kwargs})


def page(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def cm_client(client, community_manager):
    """The test client, logged in as the community manager."""
    client.force_login(community_manager)
    return client


def fetch_jobs() -> list[Result]:
    return list(DBTaskResult.objects.filter(task_path=tasks.fetch_feed_source.module_path))


def test_a_community_manager_adds_a_source_that_is_fetched_at_once(
    client, community_manager, organisation, feed_server, jobs_run_on_commit
):
    address = feed_server.serve_document("/rss.xml", "ville-actualites.rss")
    client.force_login(community_manager)

    with jobs_run_on_commit():
        response = client.post(
            url("source_create", organisation),
            {"name": "Ville", "url": address, "use": SourceUse.SHARING, "is_active": "on"},
        )

    source = FeedSource.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert response["Location"] == url("source_detail", organisation, pk=source.pk)
    assert len(feed_server.requests_to("/rss.xml")) == 1
    assert source.created_by == community_manager
    detail = page(client, response["Location"])
    assert "sa première récupération est en cours" in detail
    assert "Marché" not in detail
    assert "Travaux rue de la République" in detail
    assert "Dernière réussite le" in detail
    event = AuditEvent.objects.get(action="feed_source.created")
    assert event.actor_id == community_manager.pk
    assert event.after == {"name": "Ville", "url": address, "use": "sharing", "is_active": True}


def test_without_a_worker_yet_the_new_source_shows_its_fetch_in_progress(
    client, community_manager, organisation, django_capture_on_commit_callbacks
):
    client.force_login(community_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("source_create", organisation),
            {
                "name": "Préfecture",
                "url": "https://www.exemple-prefecture.gouv.fr/rss",
                "use": SourceUse.LISTENING,
            },
        )
    source = FeedSource.objects.get()
    assert [job.args_kwargs["args"] for job in fetch_jobs()] == [[source.pk, True]]
    assert not source.is_active  # created inactive, still fetched once, to check the address

    detail = page(client, response["Location"])
    status_url = url("source_status", organisation, pk=source.pk)
    assert "Récupération en cours" in detail
    assert f'hx-get="{status_url}"' in detail
    assert 'hx-trigger="every 3s"' in detail
    # The periodic scan leaves it alone while this fetch is on its way.
    assert tasks.enqueue_due() == []


def test_the_polled_status_asks_for_a_reload_once_the_fetch_has_ended(
    client, reader, organisation, make_source, feed_server
):
    source = make_source(
        feed_server.serve("/rss.xml", Reply(404)), fetch_requested_at=timezone.now()
    )
    client.force_login(reader)
    status_url = url("source_status", organisation, pk=source.pk)

    polling = client.get(status_url, headers={"HX-Request": "true"})
    assert polling.status_code == 200
    assert polling.content.decode().lstrip().startswith('<div id="etat-recuperation"')
    assert "<html" not in polling.content.decode()

    fetch_source(source.pk, manual=True)
    done = client.get(status_url, headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"
    assert client.get(status_url).status_code == 302  # without htmx: the page itself


@pytest.mark.parametrize(
    ("address", "error"),
    [
        ("ftp://ftp.mairie.fr/rss.xml", "seules les adresses http et https sont acceptées"),
        ("javascript:alert(1)", "Saisissez une URL valide"),
        ("https://agent:secret@www.mairie.fr/rss.xml", "identifiant ou un mot de passe"),
        ("", "Ce champ est obligatoire"),
    ],
)
def test_the_address_must_be_a_plain_web_address(
    client, community_manager, organisation, address, error
):
    client.force_login(community_manager)
    response = client.post(
        url("source_create", organisation), {"name": "X", "url": address, "use": "sharing"}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not FeedSource.objects.exists()
    assert not fetch_jobs()


def test_the_same_feed_cannot_be_followed_twice(client, admin, organisation, make_source):
    make_source("https://www.mairie.fr/rss.xml", "Mairie")
    client.force_login(admin)
    response = client.post(
        url("source_create", organisation),
        {"name": "Encore", "url": "https://www.mairie.fr/rss.xml", "use": "sharing"},
    )
    assert "suit déjà ce flux : « Mairie »" in response.content.decode().replace("&#x27;", "'")
    assert FeedSource.objects.count() == 1


def test_a_new_address_forgets_the_old_fetch_state_and_is_fetched_again(
    cm_client, organisation, make_source, feed_server, jobs_run_on_commit
):
    source = make_source(
        "https://ancien.mairie.fr/rss",
        etag='"old"',
        consecutive_failures=4,
        last_modified="Mon, 02 Mar 2026 08:00:00 GMT",
    )
    address = feed_server.serve_document("/rss.xml", "ville-actualites.rss")

    with jobs_run_on_commit():
        cm_client.post(
            url("source_edit", organisation, pk=source.pk),
            {"name": "Ville", "url": address, "use": "listening", "is_active": "on"},
        )

    request = feed_server.requests_to("/rss.xml")[0]
    assert "if-none-match" not in request.headers
    assert "if-modified-since" not in request.headers
    source.refresh_from_db()
    assert (source.url, source.use, source.consecutive_failures) == (address, "listening", 0)
    assert FeedItem.objects.filter(source=source).count() == 4
    event = AuditEvent.objects.get(action="feed_source.updated")
    assert (event.before or {})["url"] == "https://ancien.mairie.fr/rss"
    assert (event.after or {})["url"] == address


def test_renaming_a_source_is_audited_and_fetches_nothing(
    client, community_manager, organisation, make_source, django_capture_on_commit_callbacks
):
    source = make_source("https://www.mairie.fr/rss.xml", "Mairie")
    client.force_login(community_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("source_edit", organisation, pk=source.pk),
            {"name": "Mairie de Test", "url": source.url, "use": "sharing", "is_active": "on"},
        )
    assert FeedSource.objects.get().name == "Mairie de Test"
    assert not fetch_jobs()
    event = AuditEvent.objects.get(action="feed_source.updated")
    assert event.before == {**(event.after or {}), "name": "Mairie"}


def test_an_unchanged_form_records_nothing(client, admin, organisation, make_source):
    source = make_source("https://www.mairie.fr/rss.xml", "Mairie")
    client.force_login(admin)
    client.post(
        url("source_edit", organisation, pk=source.pk),
        {"name": "Mairie", "url": source.url, "use": "sharing", "is_active": "on"},
    )
    assert not AuditEvent.objects.filter(action="feed_source.updated").exists()


def test_a_source_and_its_items_are_deleted(
    client, community_manager, organisation, make_source, feed_server
):
    source = make_source(feed_server.serve_document("/rss.xml", "ville-actualites.rss"))
    fetch_source(source.pk)
    client.force_login(community_manager)
    confirm = page(client, url("source_delete", organisation, pk=source.pk))
    assert "ses 4 articles seront oubliés" in confirm

    client.post(url("source_delete", organisation, pk=source.pk))

    assert not FeedSource.objects.exists()
    assert not FeedItem.objects.exists()
    event = AuditEvent.objects.get(action="feed_source.deleted")
    assert (event.before or {})["items"] == 4


def test_fetch_now_shows_the_reason_of_a_failure_on_the_page(
    cm_client, organisation, make_source, feed_server, jobs_run_on_commit
):
    source = make_source(feed_server.url + "/disparu.xml", "Disparue")

    with jobs_run_on_commit():
        response = cm_client.post(url("source_fetch", organisation, pk=source.pk))

    html = page(cm_client, response["Location"]).replace("&#x27;", "'")
    assert "Récupération de Disparue en cours" in html
    assert "Échec le" in html
    assert "Flux introuvable (erreur 404) : l'adresse n'existe pas ou plus." in html
    listing = page(cm_client, url("sources", organisation)).replace("&#x27;", "'")
    assert "Flux introuvable (erreur 404)" in listing


def test_fetch_now_while_a_fetch_is_on_its_way_enqueues_nothing_more(
    client, community_manager, organisation, make_source, django_capture_on_commit_callbacks
):
    source = make_source("https://www.mairie.fr/rss.xml")
    client.force_login(community_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("source_fetch", organisation, pk=source.pk))
        second = client.post(url("source_fetch", organisation, pk=source.pk), follow=True)
    assert len(fetch_jobs()) == 1
    assert "est déjà en cours" in second.content.decode()


def test_fetch_now_needs_a_post(client, admin, organisation, make_source):
    source = make_source("https://www.mairie.fr/rss.xml")
    client.force_login(admin)
    assert client.get(url("source_fetch", organisation, pk=source.pk)).status_code == 405
    assert not fetch_jobs()


def test_an_html_page_given_as_source_offers_the_feed_it_announces(
    client, community_manager, organisation, make_source, feed_server
):
    source = make_source(
        feed_server.serve(
            "/", Reply(body=document("page-accueil.htm"), headers={"Content-Type": "text/html"})
        )
    )
    fetch_source(source.pk)
    client.force_login(community_manager)

    detail = page(client, url("source_detail", organisation, pk=source.pk))
    suggested = f"{feed_server.url}/actualites/rss.xml"
    assert "page web, pas à un flux" in detail
    edit_url = url("source_edit", organisation, pk=source.pk)
    assert f"{edit_url}?url=http%3A%2F%2F127.0.0.1%3A{feed_server.port}%2Factualites%2Frss.xml" in (
        detail
    )
    form = page(client, f"{edit_url}?url={suggested}")
    assert f'value="{suggested}"' in form


def test_summaries_are_sanitised_and_links_open_without_giving_the_page_away(
    client, reader, organisation, make_source, feed_server
):
    ministry = make_source(
        feed_server.serve_document("/m.atom", "ministere-actualites.atom"), "Ministère"
    )
    prefecture = make_source(
        feed_server.serve_document("/p.rss", "prefecture-relais.rss"), "Préfecture"
    )
    city = make_source(feed_server.serve_document("/v.rss", "ville-actualites.rss"), "Ville")
    for source in (ministry, prefecture, city):
        fetch_source(source.pk)
    client.force_login(reader)

    html = page(client, url("source_detail", organisation, pk=city.pk))
    assert "<script" not in html.split('id="contenu"')[1].split("</main>")[0]
    assert "document.cookie" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert (
        '<a href="https://www.saint-exemple.fr/actualites/conseil-municipal-19-mars-2026/" '
        'target="_blank" rel="noopener noreferrer">'
    ) in html
    assert "<strong>circulation alternée</strong>" in html
    ministry_page = page(client, url("source_detail", organisation, pk=ministry.pk))
    assert "aussi dans 1 autre source" in ministry_page


def test_the_list_shows_use_health_and_item_counts(
    client, reader, organisation, make_source, feed_server
):
    working = make_source(feed_server.serve_document("/v.rss", "ville-actualites.rss"), "Ville")
    broken = make_source(feed_server.serve("/casse", Reply(500)), "Cassée", use="listening")
    make_source("https://www.mairie.fr/rss.xml", "Nouvelle")
    fetch_source(working.pk)
    fetch_source(broken.pk)
    client.force_login(reader)

    html = page(client, url("sources", organisation))

    assert html.count("Dernière réussite le") == 1
    assert "Le serveur du flux est en erreur (erreur 500)" in html
    assert "Pas encore récupérée." in html
    assert "Veille" in html
    assert "Suggestions de partage" in html
    assert "<td>4</td>" in html
    assert 'aria-current="page">Sources</a>' in html


def test_the_list_page_queries_do_not_grow_with_the_sources(
    client, admin, organisation, make_source, django_assert_max_num_queries
):
    make_source("https://www.mairie.fr/0.xml", "Source 0")
    client.force_login(admin)
    with CaptureQueriesContext(connection) as few:
        page(client, url("sources", organisation))
    for n in range(1, 15):
        source = make_source(f"https://www.mairie.fr/{n}.xml", f"Source {n}")
        FeedItem.objects.create(source=source, dedup_key=f"k{n}", title=f"Article {n}")
    with django_assert_max_num_queries(len(few)):
        page(client, url("sources", organisation))


def test_the_detail_page_queries_do_not_grow_with_the_items(
    client, admin, organisation, make_source, django_assert_max_num_queries
):
    source = make_source("https://www.mairie.fr/rss.xml")
    other = make_source("https://www.mairie.fr/autre.xml", "Autre")
    client.force_login(admin)
    with CaptureQueriesContext(connection) as few:
        page(client, url("source_detail", organisation, pk=source.pk))
    for n in range(30):
        for owner in (source, other):
            FeedItem.objects.create(
                source=owner,
                dedup_key=f"k{n}",
                title=f"Article {n}",
                normalised_url=f"mairie.fr/{n}",
            )
    with django_assert_max_num_queries(len(few)):
        html = page(client, url("source_detail", organisation, pk=source.pk))
    assert html.count("aussi dans 1 autre source") == 30


@pytest.mark.parametrize("name", CHANGE_PAGES)
@pytest.mark.parametrize("person", ["contributor", "reader"])
def test_members_without_the_right_to_publish_cannot_change_sources(
    client, request, make_source, name, person
):
    source = make_source("https://www.mairie.fr/rss.xml", "Mairie")
    client.force_login(request.getfixturevalue(person))
    kwargs = {} if name == "source_create" else {"pk": source.pk}
    response = client.post(
        url(name, source.organisation, **kwargs),
        {"name": "x", "url": "https://pirate.example/rss", "use": "sharing"},
    )
    assert response.status_code == 403
    assert FeedSource.objects.get().name == "Mairie"
    assert not fetch_jobs()


@pytest.mark.parametrize("person", ["contributor", "reader"])
def test_members_without_the_right_to_publish_read_the_sources_without_the_forms(
    client, request, organisation, make_source, person
):
    source = make_source("https://www.mairie.fr/rss.xml", "Mairie")
    client.force_login(request.getfixturevalue(person))
    for address in (url("sources", organisation), url("source_detail", organisation, pk=source.pk)):
        html = page(client, address)
        assert "Mairie" in html
        assert "csrfmiddlewaretoken" not in html.split('id="contenu"')[1]
        assert "Ajouter une source" not in html


def test_an_administrator_may_change_sources_too(client, admin, organisation, make_source):
    source = make_source("https://www.mairie.fr/rss.xml", "Mairie")
    client.force_login(admin)
    assert client.get(url("source_edit", organisation, pk=source.pk)).status_code == 200


@pytest.mark.parametrize(
    "name", ["source_detail", "source_status", "source_edit", "source_delete", "source_fetch"]
)
def test_an_outsider_gets_404_on_a_real_source_of_the_organisation(
    client, outsider, organisation, make_source, name
):
    source = make_source("https://www.mairie.fr/rss.xml", "Mairie")
    client.force_login(outsider)
    assert client.get(url(name, organisation, pk=source.pk)).status_code == 404
    assert client.post(url(name, organisation, pk=source.pk)).status_code == 404
    assert FeedSource.objects.filter(pk=source.pk).exists()


def test_a_source_of_another_organisation_is_404_even_for_an_administrator(
    client, admin, organisation, other_organisation
):
    elsewhere = FeedSource.objects.create(
        organisation=other_organisation, name="Ailleurs", url="https://ailleurs.fr/rss"
    )
    client.force_login(admin)
    for name in ("source_detail", "source_edit", "source_delete", "source_fetch"):
        response = client.post(url(name, organisation, pk=elsewhere.pk))
        assert response.status_code == 404, name
