"""Remote HTML is made safe to show, and its text is what a person reads."""

from __future__ import annotations

import pytest

from parvis.connectors.sanitize import html_to_text, sanitise_html, text_to_html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        '<p style="background:url(javascript:alert(1))" onmouseover="alert(1)">x</p>',
        "<iframe src=https://evil.example></iframe>",
        "<svg><script>alert(1)</script></svg>",
        '<form action="https://evil.example"><input name=q></form>',
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_nothing_executable_survives(hostile):
    safe = sanitise_html(f"<p>avant</p>{hostile}<p>après</p>")
    for marker in (
        "<script",
        "onerror",
        "javascript:",
        "data:",
        "<iframe",
        "<form",
        "style=",
        "<svg",
    ):
        assert marker not in safe.lower()
    assert "avant" in safe
    assert "après" in safe


def test_links_are_kept_with_a_safe_rel():
    safe = sanitise_html('<a href="https://www.service-public.fr" target="_blank">ici</a>')
    assert 'href="https://www.service-public.fr"' in safe
    assert 'rel="nofollow noopener noreferrer ugc"' in safe
    assert "target" not in safe


def test_broken_markup_is_closed():
    # Parsed as browsers do (HTML5): the bold carries over to the next paragraph.
    assert sanitise_html("<p><b>gras<p>suite") == "<p><b>gras</b></p><p><b>suite</b></p>"


def test_the_text_keeps_paragraphs_and_line_breaks_and_decodes_entities():
    text = html_to_text("<p>Fermé lundi<br>Ouvert mardi</p><p>L&#39;équipe &amp; vous &lt;3</p>")
    assert text == "Fermé lundi\nOuvert mardi\n\nL'équipe & vous <3"


def test_the_text_of_a_link_whose_address_holds_a_bracket_is_only_its_label():
    assert html_to_text('<p><a href="https://x.fr/a>b">le lien</a> suivi</p>') == "le lien suivi"


def test_hidden_parts_of_mastodon_links_give_the_whole_address():
    html = (
        '<p><a href="https://www.exemple.fr/programme-2027"><span class="invisible">https://www.'
        '</span><span class="ellipsis">exemple.fr/programme-</span><span class="invisible">2027'
        "</span></a></p>"
    )
    assert html_to_text(html) == "https://www.exemple.fr/programme-2027"


def test_script_content_is_not_text():
    assert html_to_text("<p>ok</p><script>var secret = 1;</script>") == "ok"


def test_plain_text_becomes_escaped_paragraphs():
    assert text_to_html("Ligne 1\nLigne 2\n\n<b>pas du HTML</b>") == (
        "<p>Ligne 1<br>Ligne 2</p><p>&lt;b&gt;pas du HTML&lt;/b&gt;</p>"
    )
