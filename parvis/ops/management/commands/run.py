"""``parvis run``: the web server and the background worker together, stopped by Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Démarre le serveur web et le worker / Start the web server and the worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        parvis = [sys.executable, "-m", "parvis.cli"]
        gunicorn = [sys.executable, "-m", "gunicorn", "parvis.wsgi"]
        # Several gunicorn processes: their request counters are shared through files so that
        # /metrics answers the same whichever process serves it (see parvis.ops.metrics).
        metrics_dir = settings.DATA_DIR / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        web_env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
        children = {
            "web": subprocess.Popen(  # noqa: S603 — our own interpreter and module
                [
                    *gunicorn,
                    "--bind",
                    f"{host}:{port}",
                    "--workers",
                    str(options["web_workers"]),
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "5",
                ],
                env=web_env,
            ),
            "worker": subprocess.Popen([*parvis, "worker"]),  # noqa: S603
        }
        url_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        self.stdout.write(
            self.style.SUCCESS(
                _("Parvis est prêt : http://%(host)s:%(port)s/") % {"host": url_host, "port": port}
            )
        )
        if settings.PARVIS_ENV != "production":
            from parvis.organisations.demo import DEMO_LOGINS, DEMO_PASSWORD

            self.stdout.write(_("Comptes de démonstration (mot de passe : %s) :") % DEMO_PASSWORD)
            for email, description in DEMO_LOGINS:
                self.stdout.write(f"  {email:<38} {description}")
        self.stdout.write(_("Ctrl-C pour arrêter."))

        stopping = False

        def stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, child in children.items():
                if child.poll() is not None:
                    self.stderr.write(
                        _("Le processus « %(name)s » s'est arrêté (code %(code)s).")
                        % {"name": name, "code": child.returncode}
                    )
                    stopping, exit_code = True, 1
            time.sleep(0.3)
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write(_("Parvis est arrêté."))
        if exit_code:
            raise SystemExit(exit_code)
