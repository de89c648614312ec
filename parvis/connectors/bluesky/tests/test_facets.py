"""Facets on UTF-8 byte offsets: links, mentions and hashtags found in French text, and back."""

from __future__ import annotations

import pytest

from parvis.analysis.text import graphemes
from parvis.connectors.bluesky.facets import (
    Facet,
    FacetKind,
    byte_offsets,
    detect,
    render_html,
    utf8,
)


def spans(text: str) -> list[tuple[str, str, str]]:
    """(kind, the bytes the facet covers, decoded, value) for each facet detected."""
    data = utf8(text)
    return [
        (facet.kind.value, data[facet.byte_start : facet.byte_end].decode(), facet.value)
        for facet in detect(text)
    ]


def test_offsets_count_bytes_not_characters() -> None:
    assert byte_offsets("aé🎉") == [0, 1, 3, 7]


def test_a_link_after_accents_and_an_emoji_starts_at_its_byte_offset() -> None:
    text = "Fête 🎉 : https://www.vire.fr/agenda"
    [facet] = detect(text)
    assert facet == Facet(FacetKind.LINK, 13, 39, "https://www.vire.fr/agenda")
    assert utf8(text)[13:39] == b"https://www.vire.fr/agenda"
    assert text.index("https") == 9  # characters: the byte offset is not the same number


def test_several_links_each_get_their_range() -> None:
    text = "Inscriptions https://a.fr/x et https://b.fr/y, ou à l'accueil."
    assert spans(text) == [
        ("link", "https://a.fr/x", "https://a.fr/x"),
        ("link", "https://b.fr/y", "https://b.fr/y"),
    ]


def test_a_link_with_accented_path_keeps_its_unicode() -> None:
    assert spans("Voir https://www.vire.fr/noël.") == [
        ("link", "https://www.vire.fr/noël", "https://www.vire.fr/noël")
    ]


@pytest.mark.parametrize(
    ("text", "covered"),
    [
        ("(voir https://x.fr/a)", "https://x.fr/a"),
        ("lien : https://fr.wikipedia.org/wiki/Vire_(Calvados) !", "https://fr.wikipedia.org/wiki/Vire_(Calvados)"),
        ("« https://x.fr/b »", "https://x.fr/b"),
        ("https://x.fr/c… ", "https://x.fr/c"),
        ("Voir https://x.fr/d?e=1&f=2.", "https://x.fr/d?e=1&f=2"),
    ],
)  # fmt: skip
def test_trailing_punctuation_and_unopened_parentheses_end_a_link(text: str, covered: str) -> None:
    assert [span[1] for span in spans(text)] == [covered]


def test_a_bare_address_on_a_known_domain_is_a_link_to_https() -> None:
    assert spans("Démarches sur service-public.fr/particuliers !") == [
        ("link", "service-public.fr/particuliers", "https://service-public.fr/particuliers")
    ]


@pytest.mark.parametrize("text", ["M.Dupont est là", "fichier rapport.pdf", "v1.2.3", "a.b"])
def test_words_with_dots_are_not_links(text: str) -> None:
    assert spans(text) == []


def test_an_email_address_is_neither_a_link_nor_a_mention() -> None:
    assert spans("Écrivez à contact@vire.fr") == []


def test_a_mention_is_found_by_handle_lowercased() -> None:
    assert spans("Merci @Alice-Martin.bsky.social !") == [
        ("mention", "@Alice-Martin.bsky.social", "alice-martin.bsky.social")
    ]


def test_a_mention_ending_a_sentence_leaves_the_full_stop_out() -> None:
    assert spans("Bravo @mairie.test.") == [("mention", "@mairie.test", "mairie.test")]


def test_a_word_without_a_dot_after_an_at_sign_is_no_mention() -> None:
    assert spans("Rendez-vous @accueil demain") == []


def test_hashtags_keep_accents_and_lose_trailing_punctuation() -> None:
    assert spans("#Fête, #VilleLumière! et #compublique.") == [
        ("tag", "#Fête", "Fête"),
        ("tag", "#VilleLumière", "VilleLumière"),
        ("tag", "#compublique", "compublique"),
    ]


@pytest.mark.parametrize("text", ["#2024", "n°#1", "C#", "#️⃣ touche", "# seul"])
def test_numbers_and_symbols_are_not_hashtags(text: str) -> None:
    assert [span for span in spans(text) if span[0] == "tag"] == []


def test_a_hashtag_longer_than_64_graphemes_is_left_alone() -> None:
    assert spans("#" + "a" * 65) == []
    assert spans("#" + "a" * 64)[0][2] == "a" * 64


def test_an_anchor_inside_a_link_is_not_a_hashtag() -> None:
    assert spans("https://x.fr/page#ancre #tag") == [
        ("link", "https://x.fr/page#ancre", "https://x.fr/page#ancre"),
        ("tag", "#tag", "tag"),
    ]


def test_a_full_post_mixes_everything_in_text_order() -> None:
    text = "🎄 Marché de Noël avec @alice.test : https://vire.fr/noël #VireNormandie 🇫🇷"
    kinds = [span[0] for span in spans(text)]
    assert kinds == ["mention", "link", "tag"]
    data = utf8(text)
    for facet in detect(text):
        assert data[facet.byte_start : facet.byte_end].decode()  # on character boundaries


def test_graphemes_count_what_a_person_sees() -> None:
    assert graphemes("é") == 1
    assert graphemes("e\u0301") == 1  # e + combining accent
    assert graphemes("👩‍👩‍👧") == 1  # a family: five code points
    assert graphemes("🇫🇷") == 1
    assert len("👩‍👩‍👧🇫🇷") == 7


def test_stored_facets_become_links_in_safe_html() -> None:
    text = "Merci @alice.test ! #Fête\n\nhttps://vire.fr/a"
    facets = [
        Facet(FacetKind.MENTION, 6, 17, "did:plc:abc"),
        Facet(FacetKind.TAG, 20, 26, "Fête"),
        Facet(FacetKind.LINK, 28, 45, "https://vire.fr/a"),
    ]
    html = render_html(text, facets)
    assert html == (
        '<p>Merci <a href="https://bsky.app/profile/did:plc:abc" rel="nofollow noopener '
        'noreferrer ugc">@alice.test</a> ! <a href="https://bsky.app/hashtag/F%C3%AAte" '
        'rel="nofollow noopener noreferrer ugc">#Fête</a></p><p><a href="https://vire.fr/a" '
        'rel="nofollow noopener noreferrer ugc">https://vire.fr/a</a></p>'
    )


def test_html_is_escaped_and_hostile_links_are_dropped() -> None:
    text = "<script>x</script> clic"
    facets = [Facet(FacetKind.LINK, 19, 23, "javascript:alert(1)")]
    html = render_html(text, facets)
    assert "<script>" not in html
    assert "javascript" not in html
    assert html == "<p>&lt;script&gt;x&lt;/script&gt; clic</p>"


@pytest.mark.parametrize(
    "facet",
    [
        Facet(FacetKind.LINK, 0, 99, "https://x.fr"),  # past the end
        Facet(FacetKind.LINK, 5, 3, "https://x.fr"),  # backwards
        Facet(FacetKind.LINK, 1, 3, "https://x.fr"),  # inside the two bytes of "é"
    ],
)
def test_facets_that_do_not_fit_the_text_are_ignored(facet: Facet) -> None:
    assert render_html("été chaud", [facet]) == "<p>été chaud</p>"


def test_overlapping_stored_facets_keep_the_first() -> None:
    facets = [
        Facet(FacetKind.LINK, 0, 12, "https://a.fr"),
        Facet(FacetKind.LINK, 6, 12, "https://b.fr"),
    ]
    assert render_html("https://a.fr", facets).count("<a ") == 1
