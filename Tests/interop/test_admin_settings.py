"""The admin API's organization and project settings with the official SDK
(`client.admin.organization…`): certificates (uploaded PEM really parsed for its validity),
data retention, hard spend limits, spend alerts, and a project's model and hosted-tool
permissions; with their defaults, persistence, audit events and OpenAI-shaped errors."""
from __future__ import annotations

import openai
import pytest

from harness import FIXTURES, SimServer, admin_client, assert_error_shape, assert_request_id


# Self-signed P-256 certificates made with `openssl req -x509` (keys discarded), in Tests/fixtures.
# A: 2026-11-27T18:51:22Z .. 2036-11-24T18:51:22Z (UTCTime); B: notAfter 2136-06-03T18:51:22Z (GeneralizedTime).
CERT_A = (FIXTURES / "certificate-a.pem").read_text().strip()
CERT_B = (FIXTURES / "certificate-b.pem").read_text().strip()

CHANNEL = {"type": "email", "recipients": ["finance@example.com"], "subject_prefix": "OpenAI spend alert"}


def test_certificates_lifecycle(org) -> None:
    a = org.certificates.create(certificate=CERT_A, name="edge")
    assert_request_id(a)
    assert a.object == "certificate" and a.id.startswith("cert_") and a.name == "edge"
    assert (a.certificate_details.valid_at, a.certificate_details.expires_at) == (1795805482, 2111165482)
    # Escaped newlines (as pasted from a shell example) are read as line breaks.
    b = org.certificates.create(certificate=CERT_B.replace("\n", "\\n"))
    assert b.name is None and b.certificate_details.expires_at == 5251805482

    assert org.certificates.retrieve(a.id).certificate_details.content is None
    full = org.certificates.retrieve(b.id, include=["content"])
    assert full.certificate_details.content == CERT_B
    assert org.certificates.update(a.id, name="edge-2").name == "edge-2"

    listed = org.certificates.list()
    assert [c.id for c in listed.data] == [b.id, a.id]  # newest first
    assert all(c.object == "organization.certificate" and c.active is False for c in listed.data)
    assert [c.id for c in org.certificates.list(order="asc", limit=1)] == [a.id, b.id]  # auto-paging

    on = org.certificates.activate(certificate_ids=[a.id])
    assert [(c.id, c.active) for c in on.data] == [(a.id, True)]
    with pytest.raises(openai.BadRequestError) as e:
        org.certificates.delete(a.id)
    assert assert_error_shape(e.value, 400)["param"] == "certificate_id"

    project = org.projects.create(name="mtls")
    p_on = org.projects.certificates.activate(project.id, certificate_ids=[b.id])
    assert [(c.object, c.id, c.active) for c in p_on.data] == [("organization.project.certificate", b.id, True)]
    in_project = {c.id: c.active for c in org.projects.certificates.list(project.id)}
    assert in_project == {a.id: False, b.id: True}
    org.projects.certificates.deactivate(project.id, certificate_ids=[b.id])
    assert org.certificates.delete(b.id).id == b.id
    with pytest.raises(openai.NotFoundError) as e:
        org.certificates.retrieve(b.id)
    assert assert_error_shape(e.value, 404)["code"] == "not_found"

    # Atomic: an unknown id leaves the others as they were.
    with pytest.raises(openai.NotFoundError):
        org.certificates.deactivate(certificate_ids=[a.id, "cert_missing"])
    assert org.certificates.list().data[0].active is True
    off = org.certificates.deactivate(certificate_ids=[a.id])
    assert off.data[0].active is False
    assert org.certificates.delete(a.id).object == "certificate.deleted"

    types = [e.type for e in org.audit_logs.list(limit=100)]
    for t in ("certificate.created", "certificate.updated", "certificate.deleted", "certificates.activated", "certificates.deactivated"):
        assert t in types
    created = org.audit_logs.list(event_types=["certificate.created"], resource_ids=[a.id]).data[0]
    assert created.certificate_created.name == "edge"


def test_malformed_certificates_are_400(org) -> None:
    for bad in ("not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
                "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----", CERT_A + "\n" + CERT_B):
        with pytest.raises(openai.BadRequestError) as e:
            org.certificates.create(certificate=bad)
        assert assert_error_shape(e.value, 400)["param"] == "certificate"
    with pytest.raises(openai.BadRequestError) as e:
        org.certificates.activate(certificate_ids=[])
    assert assert_error_shape(e.value, 400)["code"] == "empty_array"
    with pytest.raises(openai.BadRequestError) as e:
        org.certificates.activate(certificate_ids=[f"cert_{i}" for i in range(11)])
    assert assert_error_shape(e.value, 400)["param"] == "certificate_ids"
    with pytest.raises(openai.NotFoundError) as e:
        org.projects.certificates.list("proj_missing")
    assert assert_error_shape(e.value, 404)["param"] == "project_id"
    assert org.certificates.list().data == []


def test_data_retention_defaults_and_updates(org) -> None:
    got = org.data_retention.retrieve()
    assert_request_id(got)
    assert (got.object, got.type) == ("organization.data_retention", "modified_abuse_monitoring")
    project = org.projects.create(name="retained")
    p = org.projects.data_retention.retrieve(project.id)
    assert (p.object, p.type) == ("project.data_retention", "organization_default")

    assert org.data_retention.update(retention_type="zero_data_retention").type == "zero_data_retention"
    assert org.data_retention.retrieve().type == "zero_data_retention"
    assert org.projects.data_retention.update(project.id, retention_type="none").type == "none"
    assert org.projects.data_retention.retrieve(project.id).type == "none"

    with pytest.raises(openai.BadRequestError) as e:
        org.data_retention.update(retention_type="none")  # a project's only
    assert assert_error_shape(e.value, 400)["param"] == "retention_type"
    org.projects.archive(project.id)
    with pytest.raises(openai.BadRequestError) as e:
        org.projects.data_retention.update(project.id, retention_type="zero_data_retention")
    assert assert_error_shape(e.value, 400)["param"] == "project_id"
    event = org.audit_logs.list(event_types=["organization.updated"]).data[0]
    assert event.organization_updated is not None


def test_spend_limits(org) -> None:
    project = org.projects.create(name="budgeted")
    with pytest.raises(openai.NotFoundError) as e:
        org.spend_limit.retrieve()
    assert assert_error_shape(e.value, 404)["code"] == "not_found"
    limit = org.spend_limit.update(threshold_amount=10000, currency="USD", interval="month")
    assert (limit.object, limit.threshold_amount, limit.enforcement.status) == ("organization.spend_limit", 10000, "enforcing")
    assert org.spend_limit.retrieve().threshold_amount == 10000

    p = org.projects.spend_limit.update(project.id, threshold_amount=500, currency="USD", interval="month")
    assert p.object == "project.spend_limit" and org.projects.spend_limit.retrieve(project.id).threshold_amount == 500
    with pytest.raises(openai.BadRequestError) as e:
        org.projects.spend_limit.update(project.id, threshold_amount=0, currency="USD", interval="month")
    assert assert_error_shape(e.value, 400)["param"] == "threshold_amount"
    with pytest.raises(openai.BadRequestError) as e:
        org.spend_limit.update(threshold_amount=5, currency="EUR", interval="month")  # type: ignore[arg-type]
    assert assert_error_shape(e.value, 400)["param"] == "currency"

    deleted = org.projects.spend_limit.delete(project.id)
    assert (deleted.object, deleted.deleted) == ("project.spend_limit.deleted", True)
    with pytest.raises(openai.NotFoundError):
        org.projects.spend_limit.retrieve(project.id)
    assert org.spend_limit.delete().object == "organization.spend_limit.deleted"
    with pytest.raises(openai.NotFoundError):
        org.spend_limit.delete()


def test_spend_alerts(org) -> None:
    made = [org.spend_alerts.create(threshold_amount=amount, currency="USD", interval="month", notification_channel=CHANNEL)
            for amount in (1000, 2000, 3000)]
    assert all(a.object == "organization.spend_alert" and a.id.startswith("alert_") for a in made)
    assert made[0].notification_channel.recipients == ["finance@example.com"]
    ids = [a.id for a in made]
    assert [a.id for a in org.spend_alerts.list(limit=2)] == ids  # oldest first, auto-paging
    assert [a.id for a in org.spend_alerts.list(order="desc").data] == ids[::-1]
    assert [a.id for a in org.spend_alerts.list(before=ids[2]).data] == ids[:2]

    updated = org.spend_alerts.update(ids[1], threshold_amount=2500, currency="USD", interval="month",
                                      notification_channel={"type": "email", "recipients": ["ops@example.com"]})
    assert updated.threshold_amount == 2500 and updated.notification_channel.subject_prefix is None
    assert org.spend_alerts.retrieve(ids[1]).notification_channel.recipients == ["ops@example.com"]

    project = org.projects.create(name="alerted")
    pa = org.projects.spend_alerts.create(project.id, threshold_amount=0, currency="USD", interval="month", notification_channel=CHANNEL)
    assert pa.object == "project.spend_alert"
    assert [a.id for a in org.projects.spend_alerts.list(project.id)] == [pa.id]
    assert pa.id not in [a.id for a in org.spend_alerts.list()]
    with pytest.raises(openai.NotFoundError) as e:
        org.spend_alerts.retrieve(pa.id)
    assert assert_error_shape(e.value, 404)["param"] == "alert_id"
    gone = org.projects.spend_alerts.delete(pa.id, project_id=project.id)
    assert (gone.object, gone.deleted) == ("project.spend_alert.deleted", True)

    with pytest.raises(openai.BadRequestError) as e:
        org.spend_alerts.create(threshold_amount=1, currency="USD", interval="month",
                                notification_channel={"type": "email", "recipients": ["nobody"]})
    assert assert_error_shape(e.value, 400)["param"] == "notification_channel.recipients[0]"
    with pytest.raises(openai.BadRequestError) as e:
        org.spend_alerts.create(threshold_amount=-5, currency="USD", interval="month", notification_channel=CHANNEL)
    assert assert_error_shape(e.value, 400)["code"] == "integer_below_min_value"
    assert org.spend_alerts.delete(ids[0]).deleted is True
    assert [a.id for a in org.spend_alerts.list()] == ids[1:]


def test_model_and_hosted_tool_permissions(org) -> None:
    project = org.projects.create(name="locked-down")
    perms = org.projects.model_permissions.retrieve(project.id)
    assert (perms.object, perms.mode, perms.model_ids) == ("project.model_permissions", "deny_list", [])
    set_ = org.projects.model_permissions.update(project.id, mode="allow_list", model_ids=["gpt-4.1", "o3"])
    assert (set_.mode, set_.model_ids) == ("allow_list", ["gpt-4.1", "o3"])
    assert org.projects.model_permissions.retrieve(project.id).model_ids == ["gpt-4.1", "o3"]
    with pytest.raises(openai.BadRequestError) as e:
        org.projects.model_permissions.update(project.id, mode="deny_list", model_ids=["no-such-model"])
    assert assert_error_shape(e.value, 400)["param"] == "model_ids[0]"
    with pytest.raises(openai.BadRequestError) as e:
        org.projects.model_permissions.update(project.id, mode="block", model_ids=[])  # type: ignore[arg-type]
    assert assert_error_shape(e.value, 400)["param"] == "mode"
    deleted = org.projects.model_permissions.delete(project.id)
    assert (deleted.object, deleted.deleted) == ("project.model_permissions.deleted", True)
    assert org.projects.model_permissions.retrieve(project.id).mode == "deny_list"

    tools = org.projects.hosted_tool_permissions.retrieve(project.id)
    assert all(getattr(tools, t).enabled for t in ("file_search", "web_search", "image_generation", "mcp", "code_interpreter"))
    changed = org.projects.hosted_tool_permissions.update(project.id, image_generation={"enabled": False}, mcp=None)
    assert changed.image_generation.enabled is False and changed.mcp.enabled is True
    assert org.projects.hosted_tool_permissions.retrieve(project.id).image_generation.enabled is False
    with pytest.raises(openai.BadRequestError) as e:
        org.projects.hosted_tool_permissions.update(project.id, web_search={"enabled": "yes"})  # type: ignore[typeddict-item]
    assert assert_error_shape(e.value, 400)["param"] == "web_search.enabled"

    events = org.audit_logs.list(event_types=["project.updated"], project_ids=[project.id]).data
    assert len(events) == 3 and events[0].project_updated.id == project.id
    with pytest.raises(openai.NotFoundError) as e:
        org.projects.hosted_tool_permissions.retrieve("proj_missing")
    assert assert_error_shape(e.value, 404)["code"] == "not_found"
