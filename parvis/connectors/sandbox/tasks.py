"""Background work of the training network: one job per scripted reaction."""

from __future__ import annotations

from parvis.connectors.sandbox import scenarios
from parvis.connectors.sandbox.models import SandboxProfile
from parvis.jobs.api import parvis_task


@parvis_task(max_attempts=2)
def react(profile_id: int, scenario: str, index: int) -> str:
    """Play one reaction of a scenario on a training account (gone: nothing to do)."""
    profile = SandboxProfile.objects.filter(pk=profile_id).first()
    if profile is None or scenario not in scenarios.SCENARIOS:
        return "gone"
    scenarios.apply(profile, scenario, index)
    return "played"
