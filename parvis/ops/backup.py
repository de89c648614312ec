"""Backup and restore of a SQLite instance: the database (online backup API) and the media.

On PostgreSQL, pg_dump and pg_restore do this better than we could; the commands say so.
"""

from __future__ import annotations

import datetime
import shutil
import sqlite3
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone

from parvis.jobs.models import WorkerHeartbeat


class BackupError(Exception):
    """Said to the operator as is (French / English)."""


POSTGRES_MESSAGE = (
    "Sur PostgreSQL, utilisez pg_dump et pg_restore (voir le README) ; "
    "les médias se sauvegardent avec tar. / "
    "On PostgreSQL, use pg_dump and pg_restore (see the README); back up the media with tar."
)


@dataclass(frozen=True)
class BackupFiles:
    database: Path
    media: Path


def sqlite_path() -> Path:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        raise BackupError(POSTGRES_MESSAGE)
    return Path(str(database["NAME"]))


def _media_archive_for(database_file: Path) -> Path:
    return database_file.with_name(database_file.stem + "-media.tar.gz")


def _copy_database(source: Path, target: Path) -> None:
    """Consistent copy while other processes write (sqlite3's online backup API)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()


def backup(destination: Path | None = None, *, now: datetime.datetime | None = None) -> BackupFiles:
    """Write ``parvis-<timestamp>.sqlite3`` and its ``-media.tar.gz`` (into a folder or a file)."""
    source = sqlite_path()
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    target = destination or Path(settings.DATA_DIR) / "backups"
    if target.suffix not in {".sqlite3", ".db", ".sqlite"}:
        target = target / f"parvis-{stamp}.sqlite3"
    if target.exists():
        raise BackupError(f"{target} existe déjà / already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy_database(source, target)
    target.chmod(0o600)
    media = _media_archive_for(target)
    with tarfile.open(media, "w:gz") as archive:
        root = Path(settings.MEDIA_ROOT)
        if root.is_dir():
            archive.add(root, arcname="media")
    media.chmod(0o600)
    return BackupFiles(target, media)


def integrity_problem(path: Path) -> str | None:
    """None when ``path`` is a sound SQLite database, otherwise what is wrong."""
    if not path.is_file():
        return f"{path} introuvable / not found"
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = db.execute("PRAGMA integrity_check").fetchall()
            db.execute("SELECT count(*) FROM django_migrations").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        return f"{path} : base illisible / unreadable database ({error})"
    if rows != [("ok",)]:
        details = "; ".join(str(row[0]) for row in rows[:5])
        return f"{path} : intégrité compromise / integrity check failed ({details})"
    return None


def fresh_worker() -> WorkerHeartbeat | None:
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.PARVIS_WORKER_STALE_SECONDS)
    try:
        return WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).first()
    except DatabaseError:  # an empty or older database: no worker can be using it
        return None


def restore(source: Path, *, media: Path | None = None, force: bool = False) -> Path:
    """Replace the database (and the media, when an archive is given or found beside it).

    The current database is kept as ``<name>.before-restore``, the media as
    ``media.before-restore``. Returns the path of the kept database.
    """
    target = sqlite_path()
    if not force and (worker := fresh_worker()) is not None:
        raise BackupError(
            f"un worker est actif ({worker.worker_id}) : arrêtez-le ou utilisez --force / "
            f"a worker is running ({worker.worker_id}): stop it or use --force"
        )
    if problem := integrity_problem(source):
        raise BackupError(problem)
    media = media or _media_archive_for(source)
    media = media if media.is_file() else None
    connections.close_all()
    kept = target.with_name(target.name + ".before-restore")
    if target.exists():
        kept.unlink(missing_ok=True)
        _copy_database(target, kept)
    # Copying page by page into the live file (rather than moving files) keeps the WAL and the
    # shared-memory files of the live database consistent for processes that have it open.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        dst.close()
        src.close()
    if media is not None:
        _restore_media(media)
    return kept


def _restore_media(archive_path: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    staging = root.with_name(root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(staging, filter="data")
    extracted = staging / "media"
    kept = root.with_name(root.name + ".before-restore")
    shutil.rmtree(kept, ignore_errors=True)
    if root.exists():
        root.rename(kept)
    if extracted.is_dir():
        extracted.rename(root)
    else:
        root.mkdir(parents=True)
    shutil.rmtree(staging, ignore_errors=True)
