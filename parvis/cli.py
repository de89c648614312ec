"""The ``parvis`` command: Django's management commands under one name.

``parvis run`` starts the web server and the worker together; every other sub-command is a
management command (``parvis migrate``, ``parvis demo``, ``parvis worker``...).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "parvis"
    # "parvis rotate-keys" runs the management command "rotate_keys" (also after "help").
    position = 2 if args[1:2] == ["help"] else 1
    if len(args) > position and not args[position].startswith("-"):
        args[position] = args[position].replace("-", "_")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 — import the settings now to report errors clearly
    except ImproperlyConfigured as error:
        # A wrong setting: say which, in French and English, without a traceback.
        sys.stderr.write(f"parvis : configuration invalide / invalid configuration\n  {error}\n")
        raise SystemExit(2) from None
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
