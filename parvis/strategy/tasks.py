"""Background work of the strategy: tasks take ids and are enqueued after commit."""

from __future__ import annotations

from django_tasks import task

from parvis.accounts.models import User
from parvis.strategy import buzzform
from parvis.strategy.models import BuzzFormVersion


@task()
def send_buzzform(version_id: int, address: str, actor_id: int | None) -> None:
    """E-mail the questionnaire's PDF to the communication service."""
    version = BuzzFormVersion.objects.select_related("organisation", "author").get(pk=version_id)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    buzzform.send(version, address, actor=actor)
