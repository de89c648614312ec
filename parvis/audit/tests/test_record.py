from __future__ import annotations

import datetime as dt
import decimal
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from parvis.audit.actions import ACTION_LABELS
from parvis.audit.middleware import AuditContextMiddleware, client_ip
from parvis.audit.models import AppendOnlyError, AuditEvent
from parvis.audit.services import REDACTED, audit_ip, json_safe, record
from parvis.organisations.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_record_writes_one_event_with_before_and_after(organisation, admin, community_manager):
    membership = Membership.objects.get(user=community_manager)
    event = record(
        organisation=organisation,
        actor=admin,
        action="member.role_changed",
        target=membership,
        before={"role": Role.COMMUNITY_MANAGER},
        after={"role": Role.ADMIN},
        summary="Carole devient administratrice",
    )
    assert AuditEvent.objects.count() == 1
    stored = AuditEvent.objects.get()
    assert stored.pk == event.pk
    assert stored.organisation == organisation
    assert stored.actor == admin
    assert stored.actor_label == admin.display_name
    assert stored.action == "member.role_changed"
    assert (stored.target_type, stored.target_id) == (
        "organisations.membership",
        str(membership.pk),
    )
    assert stored.target_label == str(membership)
    assert stored.before == {"role": "community_manager"}
    assert stored.after == {"role": "admin"}
    assert stored.changes == [("role", "community_manager", "admin")]
    assert stored.ip_address is None


def test_an_instance_level_event_has_no_organisation_and_a_system_actor(db):
    event = record(organisation=None, actor=None, action="instance.keys_rotated", target="instance")
    assert event.organisation_id is None
    assert event.actor_label == ""
    assert event.target_label == "instance"


def test_an_anonymous_visitor_is_recorded_as_nobody(organisation):
    event = record(organisation=organisation.pk, actor=AnonymousUser(), action="charter.viewed")
    assert (event.organisation_id, event.actor_id, event.actor_label) == (organisation.pk, None, "")


def test_values_are_made_json_safe_and_secrets_masked(organisation, admin):
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    event = record(
        organisation=organisation,
        actor="worker",
        action="account.connected",
        after={
            "at": when,
            "day": dt.date(2026, 3, 1),
            "budget": decimal.Decimal("12.50"),
            "id": uuid.UUID(int=1),
            "owner": admin,
            "tags": {"b", "a"},
            "access_token": "abc",
            "nested": {"password": "x", "ok": [1, 2.5]},
            "nan": float("nan"),
            "blob": b"\x00\x01",
        },
    )
    event.refresh_from_db()
    assert event.actor_label == "worker"
    assert event.actor_id is None
    assert event.after == {
        "at": "2026-03-01T09:30:00+00:00",
        "day": "2026-03-01",
        "budget": "12.50",
        "id": "00000000-0000-0000-0000-000000000001",
        "owner": {"id": admin.pk, "label": admin.display_name},
        "tags": ["a", "b"],
        "access_token": REDACTED,
        "nested": {"password": REDACTED, "ok": [1, 2.5]},
        "nan": "nan",
        "blob": "<2 octets>",
    }


def test_json_safe_stops_on_deep_structures():
    deep: list[object] = []
    cursor = deep
    for _ in range(50):
        cursor.append([])
        cursor = cursor[0]  # type: ignore[assignment]
    assert json_safe({"deep": deep})


def test_an_event_cannot_be_changed_or_deleted(organisation, admin):
    event = record(organisation=organisation, actor=admin, action="post.published")
    event.summary = "réécrit"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="réécrit")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().summary == ""


def test_deleting_the_actor_keeps_the_event_and_its_label(organisation, admin):
    record(organisation=organisation, actor=admin, action="post.published")
    label = admin.display_name
    admin.delete()
    event = AuditEvent.objects.get()
    assert event.actor_id is None
    assert event.actor_label == label


def test_the_client_address_of_the_request_is_recorded(organisation, admin, settings):
    def view(request):
        record(organisation=organisation, actor=admin, action="settings.changed")

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    AuditContextMiddleware(view)(request)
    assert AuditEvent.objects.get().ip_address == "203.0.113.7"
    with audit_ip("2001:db8::1"):
        event = record(organisation=organisation, actor=admin, action="settings.changed")
    assert event.ip_address == "2001:db8::1"


def test_behind_the_proxy_the_last_forwarded_address_is_the_client(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4"
    )
    settings.BEHIND_TLS_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_TLS_PROXY = True
    assert client_ip(request) == "198.51.100.4"


def test_every_action_the_code_records_has_a_french_label():
    root = Path(__file__).resolve().parents[2]
    recorded = {
        code
        for source in root.rglob("*.py")
        if "tests" not in source.parts
        for code in re.findall(r'\baction="([a-z_]+\.[a-z_]+)"', source.read_text())
    }
    assert recorded  # the pattern still finds the calls
    assert sorted(recorded - set(ACTION_LABELS)) == []
