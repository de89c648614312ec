"""Real-world feed shapes read into plain data: no network, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.connectors.feeds import charset
from parvis.connectors.feeds.errors import FeedError
from parvis.connectors.feeds.parsing import MAX_ENTRIES, find_feed_links, parse_feed
from parvis.connectors.feeds.tests.conftest import document

MINISTRY = "https://www.exemple.gouv.fr/actualites.atom"
CITY = "https://www.saint-exemple.fr/actualites/rss.xml"


def by_title(feed, start: str):
    [entry] = [entry for entry in feed.entries if entry.title.startswith(start)]
    return entry


def test_a_ministry_atom_feed_gives_titles_dates_authors_and_images():
    feed = parse_feed(document("ministere-actualites.atom"), url=MINISTRY)

    assert feed.title == "Ministère de l'Exemple — Actualités"
    assert feed.site_url == "https://www.exemple.gouv.fr/actualites"
    assert feed.warnings == ()
    assert len(feed.entries) == 4
    plan = by_title(feed, "Plan « Eau »")
    assert plan.guid == "tag:exemple.gouv.fr,2026-03-12:/node/48213"
    assert plan.published_at == dt.datetime(2026, 3, 12, 15, 30, tzinfo=dt.UTC)
    assert plan.author == "Service de presse du ministère"
    assert plan.image_url == "https://www.exemple.gouv.fr/sites/default/files/plan-eau.jpg"
    assert plan.summary_text.startswith("Le Gouvernement présente 53 mesures")
    assert "<strong>53 mesures</strong>" in plan.summary_html
    assert plan.normalised_url == "exemple.gouv.fr/actualites/plan-eau-53-mesures"


def test_html_entities_in_an_atom_title_become_characters():
    feed = parse_feed(document("ministere-actualites.atom"), url=MINISTRY)
    entry = by_title(feed, "Appel à projets")
    assert entry.title == "Appel à projets « Territoires d'industrie » : candidatures ouvertes"
    # No <published>: the date of the last update stands in.
    assert entry.published_at == dt.datetime(2026, 3, 5, 13, 15, tzinfo=dt.UTC)


def test_a_plain_text_summary_is_escaped_into_paragraphs_and_a_thumbnail_is_the_image():
    feed = parse_feed(document("ministere-actualites.atom"), url=MINISTRY)
    entry = by_title(feed, "Canicule")
    assert entry.summary_html == (
        "<p>Boire régulièrement de l&#x27;eau, se rafraîchir, prendre des nouvelles de ses "
        "proches : les gestes qui protègent.</p>"
    )
    assert entry.image_url.endswith("/canicule-vignette.png")


def test_scripts_handlers_javascript_links_and_frames_never_survive():
    feed = parse_feed(document("ville-actualites.rss"), url=CITY)
    html = "".join(entry.summary_html for entry in feed.entries).lower()
    text = "".join(entry.summary_text for entry in feed.entries).lower()

    for dangerous in (
        "<script",
        "document.cookie",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "<style",
        "display:none",
        "<img",
    ):
        assert dangerous not in html, dangerous
    assert "document.cookie" not in text
    assert "display:none" not in text
    works = by_title(feed, "Travaux rue de la République")
    assert "<strong>circulation alternée</strong>" in works.summary_html
    assert 'href="https://www.saint-exemple.fr/plan-travaux.pdf"' in works.summary_html
    assert 'rel="nofollow noopener noreferrer ugc"' in works.summary_html


def test_broken_markup_in_a_description_is_balanced():
    feed = parse_feed(document("ville-actualites.rss"), url=CITY)
    entry = by_title(feed, "Inscriptions au centre de loisirs")
    html = entry.summary_html
    assert html.count("<p>") == html.count("</p>")
    assert html.count("<b>") == html.count("</b>")
    assert "</span>" not in html
    assert "</i>" not in html
    assert entry.summary_text.startswith("Les inscriptions sont ouvertes du 12 au 26 mars")
    assert entry.image_url.endswith("/centre-loisirs.jpg")
    assert entry.author == "Pôle enfance"


def test_the_first_image_of_a_description_illustrates_the_entry_even_when_relative():
    feed = parse_feed(document("ville-actualites.rss"), url=CITY)
    assert by_title(feed, "Travaux").image_url.endswith("/2026/03/travaux.jpg")
    assert by_title(feed, "Collecte des déchets verts").image_url == (
        "https://www.saint-exemple.fr/wp-content/uploads/2026/03/dechets-verts.png"
    )
    assert by_title(feed, "Conseil municipal").image_url == ""  # a PDF enclosure is no image


def test_entries_without_guid_get_a_key_from_their_link_or_from_title_and_date():
    first = parse_feed(document("ville-actualites.rss"), url=CITY)
    later = parse_feed(document("ville-actualites-suite.rss"), url=CITY)

    council = by_title(first, "Conseil municipal")
    green = by_title(first, "Collecte des déchets verts")
    assert council.guid == ""
    assert council.url.endswith("/conseil-municipal-19-mars-2026/")
    assert green.guid == ""
    assert green.url == ""
    assert len({entry.dedup_key for entry in first.entries}) == 4
    # The same entries in the next document have the same keys, whatever else changed.
    assert by_title(later, "Conseil municipal").dedup_key == council.dedup_key
    assert by_title(later, "Collecte des déchets verts").dedup_key == green.dedup_key
    assert by_title(later, "Travaux").dedup_key == by_title(first, "Travaux").dedup_key


def test_tracking_parameters_do_not_reach_the_normalised_address():
    feed = parse_feed(document("ville-actualites.rss"), url=CITY)
    works = by_title(feed, "Travaux")
    assert "utm_source=rss" in works.url
    assert works.normalised_url == "saint-exemple.fr/actualites/travaux-rue-de-la-republique"


def test_latin1_bytes_declared_utf8_are_read_and_the_problem_reported():
    feed = parse_feed(document("agenda-latin1-declare-utf8.rss"), url=CITY)
    assert feed.title == "Département de l'Exemple - Agenda"
    assert feed.entries[0].title == "Fête de la nature au domaine départemental de Préaux"
    [warning] = feed.warnings
    assert "déclare l'encodage UTF-8" in warning
    assert "WINDOWS-1252" in warning


def test_utf8_bytes_declared_latin1_are_read_as_utf8_and_the_problem_reported():
    feed = parse_feed(document("agenda-utf8-declare-latin1.rss"), url=CITY)
    assert feed.title == "Département de l'Exemple — Agenda"
    assert feed.entries[1].summary_text.startswith("Salle des fêtes de Bréval")
    [warning] = feed.warnings
    assert "ISO-8859-1" in warning
    assert "UTF-8" in warning


def test_a_wrong_charset_in_the_http_header_does_not_garble_the_titles():
    # Apache's AddDefaultCharset: UTF-8 files served as ISO-8859-1.
    feed = parse_feed(
        document("ville-actualites.rss"),
        url=CITY,
        content_type="application/rss+xml; charset=ISO-8859-1",
    )
    assert by_title(feed, "Travaux rue de la République").title.endswith("jusqu\u2019au 20 mars")
    assert len(feed.warnings) == 1


def test_text_xml_without_charset_is_not_a_problem():
    feed = parse_feed(document("ville-actualites.rss"), url=CITY, content_type="text/xml")
    assert feed.warnings == ()
    assert by_title(feed, "Travaux rue de la République")


def test_a_malformed_feed_keeps_what_can_be_read_and_says_why():
    feed = parse_feed(document("associations-mal-forme.rss"), url=CITY)
    assert [entry.title for entry in feed.entries] == [
        "Forum des associations : inscriptions des stands",
        "Tournoi de basket U13 & U15",
    ]
    [warning] = feed.warnings
    assert "n'est pas un document XML valide (ligne" in warning
    assert "les articles lisibles ont été gardés" in warning


def test_an_html_page_is_refused_and_the_feed_it_announces_suggested():
    with pytest.raises(FeedError) as refused:
        parse_feed(
            document("page-accueil.htm"),
            url="https://www.saint-exemple.fr/",
            content_type="text/html; charset=UTF-8",
        )
    assert refused.value.permanent
    assert refused.value.suggested_url == "https://www.saint-exemple.fr/actualites/rss.xml"
    assert "page web, pas à un flux" in refused.value.message_fr
    assert "https://www.saint-exemple.fr/actualites/rss.xml" in refused.value.message_fr


def test_every_feed_announced_by_a_page_is_found_in_order():
    links = find_feed_links(document("page-accueil.htm"), base="https://www.saint-exemple.fr/")
    assert links == [
        "https://www.saint-exemple.fr/actualites/rss.xml",
        "https://www.saint-exemple.fr/comments/feed/",
    ]


def test_a_page_announcing_no_feed_says_where_to_look():
    with pytest.raises(FeedError, match="Cherchez sur le site un lien « RSS »") as refused:
        parse_feed(b"<!DOCTYPE html><html><body>Bonjour</body></html>", url=CITY)
    assert refused.value.suggested_url == ""


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "application/rss+xml", "réponse vide"),
        (b"   \n", "", "réponse vide"),
        (b"Service Unavailable", "text/plain", "n'est pas un flux RSS ou Atom"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "application/feed+json", "JSON"),
    ],
)
def test_what_is_not_a_feed_is_refused_with_its_reason(body, content_type, reason):
    with pytest.raises(FeedError, match=reason):
        parse_feed(body, url=CITY, content_type=content_type)


def test_feedparser_never_opens_a_local_file_named_by_the_body(tmp_path):
    secret = tmp_path / "flux.xml"
    secret.write_bytes(document("ville-actualites.rss"))
    with pytest.raises(FeedError):
        parse_feed(str(secret).encode(), url=CITY)


def test_a_huge_feed_is_read_up_to_a_bound():
    items = "".join(
        f"<item><title>Article {n}</title><link>https://mairie.fr/{n}</link></item>"
        for n in range(MAX_ENTRIES + 50)
    )
    feed = parse_feed(f'<rss version="2.0"><channel>{items}</channel></rss>'.encode(), url=CITY)
    assert len(feed.entries) == MAX_ENTRIES
    assert "250 articles" in feed.warnings[0]


def test_an_entry_listed_twice_in_one_document_is_kept_once():
    item = "<item><guid>a1</guid><title>Même article</title></item>"
    feed = parse_feed(
        f'<rss version="2.0"><channel>{item}{item}</channel></rss>'.encode(), url=CITY
    )
    assert len(feed.entries) == 1


def test_an_entry_without_title_is_named_after_its_summary():
    body = (
        b'<rss version="2.0"><channel><item><link>https://mairie.fr/a</link>'
        b"<description>Fermeture exceptionnelle de la piscine ce lundi.</description>"
        b"</item></channel></rss>"
    )
    [entry] = parse_feed(body, url=CITY).entries
    assert entry.title == "Fermeture exceptionnelle de la piscine ce lundi."


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "declared"),
    [
        ("é".encode(), "", "utf-8", ""),
        ('<?xml version="1.0" encoding="ISO-8859-1"?>é'.encode("latin-1"), "", "iso8859-1", ""),
        ("é".encode("latin-1"), "text/xml; charset=utf-8", "windows-1252", "utf-8"),
        ("é".encode(), "text/xml; charset=iso-8859-1", "utf-8", "iso-8859-1"),
        (b"plain ascii", "text/xml; charset=iso-8859-1", "utf-8", ""),
        ("\ufeff".encode("utf-16-le") + "é".encode("utf-16-le"), "", "", ""),
    ],
)
def test_the_encoding_is_decided_from_the_bytes(body, content_type, encoding, declared):
    assert charset.decide(body, content_type) == charset.Decision(encoding, declared)


def test_an_external_entity_is_never_resolved():
    body = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&xxe;</title>'
        b"<item><title>Article &xxe;</title><description>&xxe;</description></item>"
        b"</channel></rss>"
    )
    feed = parse_feed(body, url=CITY)
    assert "root:" not in repr(feed)
    assert [entry.title for entry in feed.entries] == ["Article"]


def test_an_entity_bomb_is_stopped_by_the_xml_parser():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        "<title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, url=CITY)
    assert all(len(entry.title) < 100 for entry in feed.entries)
    assert "n'est pas un document XML valide" in feed.warnings[0]
