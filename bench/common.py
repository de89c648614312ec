"""What every benchmark prints: the machine it ran on."""

from __future__ import annotations

import os
import platform
import sys


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"{platform.system()} {platform.release()}"
    )


def django_on_a_new_database() -> None:
    """Set Django up with the test settings, on a new SQLite file in a temporary folder."""
    import tempfile

    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "parvis.settings_test"
    os.environ["PARVIS_DATA_DIR"] = tempfile.mkdtemp(prefix="parvis-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['PARVIS_DATA_DIR']}/bench.sqlite3"
    django.setup()
