"""``makemessages`` that also reads ``_lazy("…")``, the project's name for gettext_lazy.

Modules that use both ``gettext`` (as ``_``) and ``gettext_lazy`` import the second as
``_lazy``; without this keyword their strings never reached the catalogue.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
