"""Background work of publication: tasks take ids and are enqueued after commit."""

from __future__ import annotations

from parvis.jobs.api import parvis_task
from parvis.publishing import delivery


@parvis_task(queue="publish", retry_on_crash=True, max_attempts=8)
def deliver(delivery_id: int) -> str:
    """Publish one delivery exactly once (see :mod:`parvis.publishing.delivery`)."""
    return delivery.deliver(delivery_id)
