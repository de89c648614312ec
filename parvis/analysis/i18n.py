"""Translation without Django: the engine speaks French unless its host installs a translator.

The analyzers mark their sentences with ``gettext`` (imported as ``_``) so that
``makemessages`` collects them into the project's catalogue; inside Parvis, the app config
installs Django's ``gettext``, so a finding comes out in the language of the request.
"""

from __future__ import annotations

from collections.abc import Callable

_translator: list[Callable[[str], str]] = [str]


def install(translate: Callable[[str], str]) -> None:
    _translator[0] = translate


def gettext(message: str) -> str:
    return _translator[0](message)


def gettext_noop(message: str) -> str:
    """Marks a sentence for the catalogue; it is translated where it is shown."""
    return message
