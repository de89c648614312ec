"""``parvis run``: the web server and the background worker together, stopped by Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

READY_TIMEOUT_SECONDS = 60


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As gunicorn does: connections of a previous run in TIME_WAIT do not hold the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def wait_until_listening(host: str, port: int, web: subprocess.Popen[bytes]) -> bool:
    """True once the web server accepts connections; False if it exits or never does."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline and web.poll() is None:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
        except OSError:
            time.sleep(0.2)
        else:
            return True
    return False


class Command(BaseCommand):
    help = "Démarre le serveur web et le worker / Start the web server and the worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        if not port_is_free(host, port):
            raise CommandError(
                _(
                    "Le port %(port)s est déjà utilisé : arrêtez l'autre serveur ou choisissez "
                    "un autre port (PORT=8001 make run). / Port %(port)s is already in use."
                )
                % {"port": port}
            )
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
        stopping = False

        def stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        url_host = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        if wait_until_listening(url_host, port, children["web"]):
            self._banner(url_host, port)
        elif children["web"].poll() is None:
            self.stderr.write(
                _("Le serveur web ne répond pas encore sur le port %(port)s.") % {"port": port}
            )
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

    def _banner(self, url_host: str, port: int) -> None:
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
