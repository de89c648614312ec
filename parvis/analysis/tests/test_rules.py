"""The rule-based analyzers, on plain data: no model, no Django."""

from __future__ import annotations

import datetime

import pytest

from parvis.analysis.analyzers import accessibility, editorial, election, flooding, limits
from parvis.analysis.analyzers.personal_data import DataKind, find
from parvis.analysis.context import Context, Election, Level, Media, MediaKind, Rules
from parvis.analysis.findings import Finding


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


# Accessibility


def test_an_image_without_alt_text_blocks_and_an_explicitly_decorative_one_does_not() -> None:
    missing = accessibility.check("Le marché", Context(media=(Media(MediaKind.IMAGE, ""),)))
    placeholder = accessibility.check("Le marché", Context(media=(Media(alt="IMG_2041.jpg"),)))
    decorative = accessibility.check("Le marché", Context(media=(Media(alt="Image décorative"),)))
    described = accessibility.check("Le marché", Context(media=(Media(alt="Étals de fruits"),)))
    assert codes(missing) == ["a11y.missing_alt"]
    assert missing[0].blocking
    assert codes(placeholder) == ["a11y.missing_alt"]
    assert decorative == []
    assert described == []


def test_a_gif_without_description_is_named_as_such() -> None:
    findings = accessibility.check("Bonne année", Context(media=(Media(MediaKind.GIF),)))
    assert codes(findings) == ["a11y.gif_without_description"]


def test_a_lowercase_hashtag_of_several_words_asks_for_camel_case() -> None:
    text = "Votez pour vos projets #budgetparticipatif #Lyon #neige #JourneeDuPatrimoine"
    findings = accessibility.check(text, Context())
    assert codes(findings) == ["a11y.hashtag_case"]
    assert "#BudgetParticipatif" in findings[0].message
    assert text[findings[0].start : findings[0].end] == "#budgetparticipatif"


def test_fake_bold_letters_are_spelled_out_by_screen_readers() -> None:
    text = "𝗔𝗟𝗘𝗥𝗧𝗘 météo : restez chez vous"
    findings = accessibility.check(text, Context())
    assert codes(findings) == ["a11y.fake_bold"]
    assert "ALERTE" in findings[0].message


def test_too_many_emoji_and_an_emoji_in_place_of_a_word() -> None:
    many = accessibility.check("Bravo 🎉🎉🎉🎉 à tous 👏", Context())
    as_word = accessibility.check("Rendez-vous à la 🏊 ce samedi", Context())
    assert codes(many) == ["a11y.too_many_emoji"]
    assert codes(as_word) == ["a11y.emoji_as_word"]
    assert accessibility.check("Bravo 🎉", Context()) == []
    assert codes(accessibility.check("🎉🎉", Context(rules=Rules(max_emoji=1)))) == [
        "a11y.too_many_emoji"
    ]


# Personal data


@pytest.mark.parametrize(
    ("text", "kind", "datum"),
    [
        ("Appelez-le au 06 12 34 56 78 !", DataKind.PHONE, "06 12 34 56 78"),
        ("tel +33 (0)6 12 34 56 78", DataKind.PHONE, "+33 (0)6 12 34 56 78"),
        ("écrivez à jean.dupont (at) gmail.com", DataKind.EMAIL, "jean.dupont (at) gmail.com"),
        (
            "il habite au 12 rue des Lilas, 69003 Lyon et",
            DataKind.ADDRESS,
            "12 rue des Lilas, 69003 Lyon",
        ),
        (
            "mon iban FR76 3000 6000 0112 3456 7890 189",
            DataKind.IBAN,
            "FR76 3000 6000 0112 3456 7890 189",
        ),
        ("num secu 1 84 12 76 451 089 46", DataKind.NIR, "1 84 12 76 451 089 46"),
    ],
)
def test_personal_data_is_found_with_its_span(text: str, kind: DataKind, datum: str) -> None:
    found = find(text)
    assert [(d.kind, text[d.start : d.end]) for d in found] == [(kind, datum)]


def test_look_alikes_are_not_personal_data() -> None:
    for text in (
        "le 12/03/2025 dossier n° 2024-00123456",
        "scores 2019 2020 2021 2022",
        "appelez le 3939 ou le 112",
        "la rue des Lilas est fermée",
        "réf. 1 84 12 76 451 089 00",  # a NIR's shape, a wrong key, no cue
    ):
        assert find(text) == [], text


def test_the_organisation_s_own_contacts_are_allowed() -> None:
    rules = Rules(public_contacts=("04 75 00 00 00", "contact@saint-aubin.fr"))
    text = "Mairie : 04.75.00.00.00 ou contact@saint-aubin.fr ; le voisin : 06 12 34 56 78"
    assert [text[d.start : d.end] for d in find(text, rules)] == ["06 12 34 56 78"]


# Electoral reserve


def test_the_reserve_starts_on_the_first_day_of_the_sixth_month_before() -> None:
    municipal = Election(datetime.date(2026, 3, 15), Level.COMMUNE)
    assert municipal.reserve_starts == datetime.date(2025, 9, 1)
    assert Election(datetime.date(2028, 6, 10), Level.REGION).reserve_starts == datetime.date(
        2027, 12, 1
    )


def test_praise_of_the_record_is_flagged_during_the_reserve_only() -> None:
    rules = Rules(
        level=Level.COMMUNE, elections=(Election(datetime.date(2026, 3, 15), Level.COMMUNE),)
    )
    praise = "Promesse tenue ! Depuis 2020, la municipalité a rénové 12 écoles."
    info = "La piscine est fermée lundi pour travaux."
    during = Context(rules=rules, date=datetime.date(2026, 1, 10))
    before = Context(rules=rules, date=datetime.date(2025, 8, 31))
    other_level = Context(
        rules=Rules(level=Level.REGION, elections=rules.elections), date=during.date
    )
    today = datetime.date(2026, 1, 10)
    findings = election.check(praise, during, today)
    assert codes(findings) == ["election.reserve_period"]
    assert "L52-1" in findings[0].message
    assert "01/09/2025" in findings[0].message
    assert election.check(info, during, today) == []
    assert election.check(praise, before, today) == []
    assert election.check(praise, other_level, today) == []


# Network limits


def test_bluesky_counts_graphemes_mastodon_links_as_23_and_x_weighs_characters() -> None:
    family = "👨‍👩‍👧"  # one grapheme, five code points
    assert limits.NETWORKS["bluesky"].count(family * 300) == 300
    long_link = "https://www.example.org/" + "a" * 200
    assert limits.NETWORKS["mastodon"].count(f"Voir {long_link}") == 5 + 23
    assert limits.NETWORKS["x"].count(f"Voir {long_link}") == 5 + 23
    assert limits.NETWORKS["x"].count("日本") == 4
    assert limits.NETWORKS["x"].count("🎉") == 2


def test_over_the_limit_says_by_how_much() -> None:
    findings = limits.check("a" * 310, limits.NETWORKS["bluesky"], [])
    assert codes(findings) == ["length.too_long"]
    assert "raccourcissez de 10" in findings[0].message
    alts = ["x" * 1501, "ok", "ok", "ok", "ok"]
    assert codes(limits.check("ok", limits.NETWORKS["mastodon"], alts)) == [
        "media.too_many",
        "a11y.alt_too_long",
    ]


# The organisation's own words


def test_forbidden_words_and_topics_match_without_case_or_accents() -> None:
    rules = Rules(
        forbidden_words=("bobo*",),
        forbidden_topics={"politique nationale": ("gouvernement", "ministre")},
    )
    text = "Les BOBOS du centre et le Gouvernement"
    findings = editorial.check(text, rules)
    assert codes(findings) == ["editorial.forbidden_word", "editorial.forbidden_topic"]
    assert text[findings[0].start : findings[0].end] == "BOBOS"
    assert text[findings[1].start : findings[1].end] == "Gouvernement"
    assert editorial.check("Le bobsleigh", rules) == []


# Flooding


def test_flooding_is_the_same_message_again_or_a_wall_of_the_same_thing() -> None:
    assert codes(flooding.check("!!!!!!!!!!!!!!!!!!!!!!!", ())) == ["moderation.flooding"]
    assert codes(flooding.check("non " * 10, ())) == ["moderation.flooding"]
    assert codes(
        flooding.check("Réparez la route", ("réparez la route !", "Réparez la route"))
    ) == ["moderation.flooding"]
    assert flooding.check("Réparez la route svp", ("Merci",)) == []
