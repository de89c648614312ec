"""Cue words that models learn poorly from a few hundred examples, given to them as tokens.

A lexicon hit or a telling pattern is appended to the text as a token (``zzinsult``): the
linear models weigh it like any word, so it informs the decision without deciding alone.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import regex

from parvis.analysis.text import fold, mostly_capitals

LEXICONS = Path(__file__).resolve().parent / "lexicons"

# Entries of the insult lists that are ordinary words in a public body's mentions.
_ORDINARY = frozenset(
    [
        "epais",
        "gros",
        "grosse",
        "grosses",
        "noir",
        "noire",
        "noirs",
        "arabe",
        "arabes",
        "juif",
        "juive",
        "juifs",
        "pd",
        "blanc",
        "blanche",
        "bete",
        "betes",
        "fou",
        "folle",
        "fous",
        "nul",
        "nulle",
        "nuls",
        "idiot",
        "idiote",
        "idiots",
    ]
)

_PATTERNS: dict[str, list[str]] = {
    "zzthreat": [
        r"\b(?:on|je|j'|nous)\s*(?:sai[st]|connai[st]|connaissons|savons)\s+o[uù]\s+(?:vous|tu|il|elle)",
        r"\b(?:je|on|j')\s*(?:vais|va|vas|allons)\s+(?:te|vous|le|la|les|lui)\s+\w+",
        r"\b(?:gare\s+a|attention\s+a\s+(?:toi|vous)|tu\s+vas\s+(?:voir|regretter|payer)|vous\s+allez\s+(?:le\s+)?(?:regretter|payer|voir))",
        r"\b(?:crever|buter|tuer|bruler|cramer|egorger|defoncer|casser\s+la\s+gueule|peter\s+la\s+gueule|fracasser|saigner)\b",
        r"\b(?:dommage|malheur)\s+(?:qu'il|s'il|que|si)\b",
        r"\b(?:a\s+la\s+sortie|devant\s+(?:chez|ta|votre)\s)",
        r"\b(?:je|on)\s+(?:vais\s+|va\s+)?(?:tout\s+)?(?:casse[rs]?|debarque[rs]?|regle[rs]?\s+(?:ca|vos|ton|son))\b",
    ],
    "zzdefame": [
        r"\b(?:detourn\w*|escroc\w*|voleur\w*|voleuse\w*|corrompu\w*|pots?[- ]de[- ]vin|magouill\w*|truqu\w*|pistonn\w*"
        r"|enveloppes?|fraud\w*|mafi\w*|pedophil\w*|pedo|receleur|dealer|complice|emploi\s+fictif|s'en\s+met\w*\s+plein\s+les\s+poches|corruption|s'est\s+pay\w*"
        r"|entre\s+amis|pris\s+la\s+main\s+dans\s+le\s+sac)\b",
    ],
    "zzpropaganda": [
        r"\b(?:votez|voter\s+pour|vote\s+pour|votons|rejoignez|rejoins|adherez|soutenez\s+(?:la\s+liste|le\s+candidat|notre\s+candidat))\b",
        r"\b(?:dieu|allah|jesus|christ|seigneur|coran|bible|evangile|convertissez|repentez|priez|la\s+priere|prophete|salut\s+de\s+vos\s+ames)\b",
        r"\b(?:liste|candidat\w*|parti|programme|meeting|municipales|legislatives|presidentielle)\b",
    ],
    "zzspam": [
        r"https?://|www\.",
        r"\b(?:gratuit\w*|gagne[rz]?|gagnant\w*|promo\w*|reduction|crypto\w*|bitcoin|forex|investis\w*|rendement|followers|abonnes"
        r"|cliquez|clique|offre|code\s+promo|casino|paris\s+sportifs|whatsapp|telegram|dm\s+moi|inbox|livraison|boutique|soldes?)\b",
        r"\d+\s*(?:€|euros?|\$)\s*(?:par|/)\s*(?:jour|semaine|mois)",
    ],
    "zzquestion": [
        r"\?",
        r"^\s*(?:comment|pourquoi|quand|ou|qui|quel\w*|combien|est[- ]ce|y\s+a[- ]t[- ]il|peut[- ]on|puis[- ]je|savez[- ]vous|on\s+peut)\b",
        r"\b(?:je\s+cherche|je\s+voudrais\s+savoir|besoin\s+d'infos?|renseignements?|infos?\s+sur|svp\s+pour\s+savoir)\b",
    ],
    "zzpress": [
        r"\b(?:journalist\w*|redaction|reportage|interview\w*|tournage|filmer|tourner|pigiste|podcast|emission|chaine|radio|tele|tv"
        r"|france\s?[23]|france\s+bleu|ici\s+\w+|quotidien|hebdo|article|sujet|service\s+de\s+presse|attache\s+de\s+presse|communique|micro|camera|media\w*|presse)\b",
    ],
    "zzevent": [
        r"\b(?:partag\w*|relai\w*|relay\w*|diffus\w*|affich\w*)\b.{0,40}\b(?:notre|nos|l'|cet|cette|ce)\b",
        r"\b(?:fete|festival|collecte|tournoi|concert|kermesse|vide[- ]grenier|brocante|marche\s+de\s+noel|course|marathon|gala|exposition|expo|spectacle"
        r"|conference|atelier|forum|salon|inauguration|octobre\s+rose|telethon|assemblee\s+generale|ag|soiree|loto|bal|rando\w*|portes\s+ouvertes|campagne)\b",
        r"\b(?:notre\s+association|notre\s+club|notre\s+asso|l'asso|le\s+comite\s+des\s+fetes|nous\s+organisons|on\s+organise)\b",
    ],
    "zzcomplaint": [
        r"\b(?:depuis\s+(?:\d+|deux|trois|quatre|plusieurs)\s+(?:jours?|semaines?|mois|ans)|toujours\s+pas|encore\s+une\s+fois|en\s+panne|pas\s+de\s+reponse"
        r"|personne\s+ne|inadmissible|scandal\w*|honte|marre|ras\s+le\s+bol|inacceptable|n'importe\s+quoi|jamais|aucune?\s+(?:reponse|nouvelle))\b",
        r"\b(?:nid[s]?[- ]de[- ]poule|fuite|bouche|casse|sale|dechets|poubelles?|bruit|retard|annul\w*|ferme\w*|coupure|panne|trou)\b",
    ],
    "zzsecond_person": [r"\b(?:vous\s+etes|t'es|tu\s+es|espece\s+de|bande\s+d[e'])"],
    "zzname_calling": [
        r"\b(?:ce|cette|cet|ces|le|la|les|du|de|pauvre|gros|grosse|sale|vieux|vieille)\s+(?:guignol\w*|porc\w*|clown\w*|abruti\w*|cretin\w*|debile\w*"
        r"|bouffon\w*|charlot\w*|tocard\w*|nullard\w*|minable\w*|incapables?\s+notoires?|ordure\w*|rat\w*|vermine|parasite\w*|larbin\w*|con|cons|conne\w*)\b",
        r"\bqi\s+d[e'u]\b",
    ],
    "zzgroup": [
        r"\b(?:les\s+)?(?:arabes?|noirs?|juifs?|musulmans?|immigr\w*|migrants?|etrangers?|roms?|gitans?|homos?|gays?|lesbiennes?|trans|handicap\w*"
        r"|femmes|feministes?|africains?|maghrebins?|asiatiques?|chinois|islam\w*|reneg\w*|communautaristes?|envahisseurs?|remplacement"
        r"|antillais\w*|rabbins?|voilee?s?|mosquees?|synagogues?|ces\s+gens[- ]la|plus\s+en\s+france|rentrez\s+chez\s+vous|typique\s+de\s+ces)\b",
    ],
}
# The patterns are matched against folded text, already in lower case: no re.I, which
# would make every search about twice as slow.
_COMPILED = {
    token: re.compile("|".join(f"(?:{p})" for p in patterns), re.M)
    for token, patterns in _PATTERNS.items()
}


def lexicon_entries() -> list[str]:
    """The lines of the two insult lists shipped in ``lexicons/`` (MIT, CC BY 4.0)."""
    entries: list[str] = []
    for name in ("french-badwords.txt", "ldnoobw-fr.txt"):
        entries.extend((LEXICONS / name).read_text(encoding="utf-8").splitlines())
    return entries


@functools.cache
def insults() -> frozenset[str]:
    words = {fold(line.strip()) for line in lexicon_entries()}
    return frozenset(w for w in words if w and w not in _ORDINARY and len(w) >= 3)


_TOKEN = regex.compile(r"[\w*@$!]+")


def annotate(text: str) -> str:
    """``text`` followed by the cue tokens it triggers."""
    folded = fold(text)
    tokens: list[str] = []
    lexicon = insults()
    hits = sum(1 for word in _TOKEN.findall(folded) if word in lexicon)
    tokens += ["zzinsult"] * min(hits, 3)
    tokens += [token for token, pattern in _COMPILED.items() if pattern.search(folded)]
    if mostly_capitals(text, letters=12, share=0.6):
        tokens.append("zzcaps")
    return f"{text} {' '.join(tokens)}" if tokens else text
