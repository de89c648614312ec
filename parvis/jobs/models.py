"""What Parvis adds to django-tasks-db's queue: worker heartbeats, periodic jobs, attempts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class WorkerHeartbeat(models.Model):
    """One row per running ``parvis worker`` process, refreshed every few seconds."""

    worker_id = models.CharField(_("identifiant du worker"), max_length=64, unique=True)
    hostname = models.CharField(_("machine"), max_length=255)
    pid = models.PositiveIntegerField(_("processus"))
    queues = models.CharField(_("files"), max_length=255, default="*")
    started_at = models.DateTimeField(_("démarré le"))
    last_seen = models.DateTimeField(_("dernier signe de vie"), db_index=True)
    current_task_id = models.UUIDField(_("tâche en cours"), null=True, blank=True)
    # When this worker last looked for due periodic jobs (shows that every scheduler runs).
    last_scheduler_run = models.DateTimeField(_("dernier passage du planificateur"), null=True)

    class Meta:
        verbose_name = _("signe de vie d'un worker")
        verbose_name_plural = _("signes de vie des workers")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class PeriodicJob(models.Model):
    """A job enqueued every ``interval_seconds``; the worker that moves ``next_run_at`` wins."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    task_path = models.CharField(_("tâche"), max_length=255)
    interval_seconds = models.PositiveIntegerField(_("intervalle (secondes)"))
    next_run_at = models.DateTimeField(_("prochaine exécution"))
    enabled = models.BooleanField(_("active"), default=True)
    # Rows declared with @periodic are disabled when their declaration disappears;
    # rows added by hand (or by a test) are left alone.
    declared_in_code = models.BooleanField(default=False)
    last_enqueued_at = models.DateTimeField(_("dernière mise en file"), null=True, blank=True)
    last_task_id = models.UUIDField(_("dernière tâche"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche périodique")
        verbose_name_plural = _("tâches périodiques")

    def __str__(self) -> str:
        return self.name


class TaskAttempt(models.Model):
    """Attempt number and failure reason of a task result (absent: first attempt, no reason)."""

    result = models.OneToOneField(
        DBTaskResult, on_delete=models.CASCADE, primary_key=True, related_name="parvis_attempt"
    )
    attempt = models.PositiveIntegerField(_("tentative"), default=1)
    # The result this one retries, and the first of the chain (same value for attempt 2).
    retry_of = models.UUIDField(null=True, blank=True)
    first_id = models.UUIDField(null=True, blank=True)
    reason = models.TextField(_("raison de l'échec"), blank=True)

    class Meta:
        verbose_name = _("tentative")
        verbose_name_plural = _("tentatives")

    def __str__(self) -> str:
        return f"{self.result_id} #{self.attempt}"
