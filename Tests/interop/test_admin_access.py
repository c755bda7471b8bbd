"""The admin API's access control with the official SDK (`client.admin.organization…`): roles
(predefined and custom, organization and project), groups and their members, groups' access to
projects, role assignments to users and groups (a user's roles include its groups'), cascades
on delete, audit events and OpenAI-shaped errors."""
from __future__ import annotations

import openai
import pytest

from harness import SimServer, admin_client, assert_error_shape, assert_request_id


def invited_user(sim: SimServer, org, api_key: str, email: str) -> str:  # noqa: ANN001
    invite = org.invites.create(email=email, role="reader")
    status, user = sim.control("POST", "/__sim/invites/accept", {"api_key": api_key, "invite_id": invite.id})
    assert status == 200, user
    return user["id"]


def audit_types(org) -> list[str]:  # noqa: ANN001
    return [e.type for e in org.audit_logs.list(limit=100).data]


def test_roles_predefined_and_custom(org) -> None:  # noqa: ANN001
    roles = org.roles.list()
    assert_request_id(roles)
    assert [(r.id, r.name, r.predefined_role) for r in roles.data] == [
        ("role_org_owner", "Owner", True), ("role_org_reader", "Reader", True)]
    assert all(r.object == "role" and r.resource_type == "api.organization" and r.permissions for r in roles.data)

    made = org.roles.create(role_name="Group Manager", permissions=["api.groups.read", "api.groups.write"],
                            description="Allows managing organization groups")
    assert made.id.startswith("role_") and made.predefined_role is False
    assert made.description == "Allows managing organization groups"
    more = [org.roles.create(role_name=f"custom-{i}", permissions=["api.groups.read"]) for i in range(3)]

    # auto-pagination over the `next` cursor, in creation order
    assert [r.id for r in org.roles.list(limit=2)] == ["role_org_owner", "role_org_reader", made.id] + [r.id for r in more]
    assert org.roles.list(order="desc").data[0].id == more[-1].id

    updated = org.roles.update(made.id, role_name="Groups", permissions=["api.groups.read"])
    assert updated.name == "Groups" and updated.permissions == ["api.groups.read"]
    assert updated.description == "Allows managing organization groups"
    assert org.roles.retrieve(made.id).name == "Groups"
    gone = org.roles.delete(made.id)
    assert gone.object == "role.deleted" and gone.deleted is True and gone.id == made.id
    with pytest.raises(openai.NotFoundError) as e:
        org.roles.retrieve(made.id)
    assert assert_error_shape(e.value, 404)["code"] == "not_found"

    for call in (lambda: org.roles.update("role_org_owner", role_name="Boss"), lambda: org.roles.delete("role_org_reader")):
        with pytest.raises(openai.BadRequestError) as e:
            call()
        err = assert_error_shape(e.value, 400)
        assert (err["param"], err["code"]) == ("role_id", "predefined_role")
    assert [t for t in audit_types(org) if t.startswith("role.")][:3] == ["role.deleted", "role.updated", "role.created"]


def test_role_errors(org) -> None:  # noqa: ANN001
    with pytest.raises(openai.BadRequestError) as e:
        org.roles.create(role_name="reader", permissions=[])
    assert assert_error_shape(e.value, 400)["code"] == "role_name_taken"
    with pytest.raises(openai.BadRequestError) as e:
        org.roles.create(role_name="x", permissions=["Read Everything"])
    assert assert_error_shape(e.value, 400)["param"] == "permissions[0]"
    with pytest.raises(openai.BadRequestError) as e:
        org.roles.create(role_name="x", permissions=[], extra_body={"scope": "all"})
    assert assert_error_shape(e.value, 400)["param"] == "scope"
    with pytest.raises(openai.BadRequestError) as e:
        org.roles.create(role_name=7, permissions=[])  # type: ignore[arg-type]
    assert assert_error_shape(e.value, 400)["param"] == "role_name"
    with pytest.raises(openai.BadRequestError) as e:
        org.roles.create(role_name="x", permissions=None)  # type: ignore[arg-type]
    assert assert_error_shape(e.value, 400)["param"] == "permissions"
    with pytest.raises(openai.NotFoundError) as e:
        org.roles.update("role_nope", role_name="x")
    assert assert_error_shape(e.value, 404)["param"] == "role_id"
    with pytest.raises(openai.BadRequestError) as e:
        org.roles.list(limit=5000)
    assert assert_error_shape(e.value, 400)["param"] == "limit"


def test_project_roles(org) -> None:  # noqa: ANN001
    a, b = org.projects.create(name="alpha"), org.projects.create(name="beta")
    builtin = org.projects.roles.list(a.id)
    assert [r.id for r in builtin.data] == ["role_proj_owner", "role_proj_member", "role_proj_viewer"]
    assert all(r.resource_type == "api.project" and r.predefined_role for r in builtin.data)
    role = org.projects.roles.create(a.id, role_name="API Project Key Manager",
                                     permissions=["api.organization.projects.api_keys.read", "api.organization.projects.api_keys.write"])
    assert role.resource_type == "api.project" and role.description is None
    assert role.id in [r.id for r in org.projects.roles.list(a.id)]
    assert role.id not in [r.id for r in org.projects.roles.list(b.id)]
    assert role.id not in [r.id for r in org.roles.list()]
    with pytest.raises(openai.NotFoundError):
        org.projects.roles.retrieve(role.id, project_id=b.id)
    assert org.projects.roles.update(role.id, project_id=a.id, description="keys").description == "keys"
    assert org.projects.roles.retrieve(role.id, project_id=a.id).description == "keys"
    with pytest.raises(openai.BadRequestError) as e:
        org.projects.roles.update("role_proj_owner", project_id=a.id, permissions=[])
    assert assert_error_shape(e.value, 400)["code"] == "predefined_role"
    with pytest.raises(openai.NotFoundError) as e:
        org.projects.roles.list("proj_nope")
    assert assert_error_shape(e.value, 404)["param"] == "project_id"
    assert org.projects.roles.delete(role.id, project_id=a.id).deleted is True


def test_groups_and_members(sim: SimServer, org, api_key: str) -> None:  # noqa: ANN001
    owner = org.users.list().data[0]
    ada = invited_user(sim, org, api_key, "ada@example.com")
    group = org.groups.create(name="Support Team")
    assert group.id.startswith("group_") and group.is_scim_managed is False and group.group_type == "group"
    renamed = org.groups.update(group.id, name="Escalations")
    assert renamed.name == "Escalations" and renamed.id == group.id
    assert org.groups.retrieve(group.id).name == "Escalations"
    others = [org.groups.create(name=f"g{i}") for i in range(3)]
    assert [g.id for g in org.groups.list(limit=2)] == [group.id] + [g.id for g in others]

    added = org.groups.users.create(group.id, user_id=owner.id)
    assert (added.object, added.user_id, added.group_id) == ("group.user", owner.id, group.id)
    org.groups.users.create(group.id, user_id=ada)
    assert [u.id for u in org.groups.users.list(group.id)] == [ada, owner.id]  # newest first
    assert [u.email for u in org.groups.users.list(group.id, order="asc", limit=1)] == [owner.email, "ada@example.com"]
    member = org.groups.users.retrieve(ada, group_id=group.id)
    assert (member.email, member.user_type, member.is_service_account) == ("ada@example.com", "user", False)

    with pytest.raises(openai.NotFoundError) as e:
        org.groups.users.create(group.id, user_id="user-nope")
    assert assert_error_shape(e.value, 404)["param"] == "user_id"
    with pytest.raises(openai.BadRequestError):
        org.groups.users.create(group.id, user_id=ada)
    with pytest.raises(openai.BadRequestError) as e:
        org.groups.create(name="")
    assert assert_error_shape(e.value, 400)["param"] == "name"

    removed = org.groups.users.delete(ada, group_id=group.id)
    assert removed.object == "group.user.deleted" and removed.deleted is True
    with pytest.raises(openai.NotFoundError):
        org.groups.users.retrieve(ada, group_id=group.id)
    deleted = org.groups.delete(others[0].id)
    assert (deleted.object, deleted.id, deleted.deleted) == ("group.deleted", others[0].id, True)
    with pytest.raises(openai.NotFoundError) as e:
        org.groups.retrieve(others[0].id)
    assert assert_error_shape(e.value, 404)["param"] == "group_id"
    types = audit_types(org)
    assert types[0] == "group.deleted" and "group.created" in types and "group.updated" in types


def test_role_assignments_users_and_groups(sim: SimServer, org, api_key: str) -> None:  # noqa: ANN001
    ada = invited_user(sim, org, api_key, "ada@example.com")
    auditor = org.roles.create(role_name="Auditor", permissions=["api.audit_logs.read"])
    group = org.groups.create(name="Readers")

    assigned = org.users.roles.create(ada, role_id=auditor.id)
    assert assigned.object == "user.role" and assigned.user.id == ada and assigned.role.id == auditor.id
    via = org.groups.roles.create(group.id, role_id="role_org_reader")
    assert via.object == "group.role" and via.group.id == group.id and via.role.name == "Reader"
    org.groups.users.create(group.id, user_id=ada)

    held = org.users.roles.list(ada)
    assert [r.id for r in held] == [auditor.id, "role_org_reader"]
    own, inherited = held.data
    assert own.assignment_sources is None and own.created_by is not None and isinstance(own.created_at, int)
    assert [(s.principal_id, s.principal_type) for s in inherited.assignment_sources] == [(group.id, "group")]
    assert org.users.roles.retrieve("role_org_reader", user_id=ada).predefined_role is True
    assert [r.id for r in org.groups.roles.list(group.id)] == ["role_org_reader"]
    assert org.groups.roles.retrieve("role_org_reader", group_id=group.id).name == "Reader"

    with pytest.raises(openai.BadRequestError) as e:
        org.users.roles.delete("role_org_reader", user_id=ada)  # the group's, not the user's
    assert assert_error_shape(e.value, 400)["param"] == "role_id"
    with pytest.raises(openai.NotFoundError) as e:
        org.users.roles.create(ada, role_id="role_nope")
    err = assert_error_shape(e.value, 404)
    assert (err["param"], err["code"]) == ("role_id", "not_found")
    with pytest.raises(openai.NotFoundError) as e:
        org.groups.roles.create("group_nope", role_id="role_org_reader")
    assert assert_error_shape(e.value, 404)["param"] == "group_id"
    with pytest.raises(openai.BadRequestError) as e:
        org.users.roles.create(ada, role_id="role_proj_member")
    assert assert_error_shape(e.value, 400)["param"] == "role_id"
    with pytest.raises(openai.BadRequestError) as e:
        org.users.roles.create(ada, role_id=auditor.id)
    assert assert_error_shape(e.value, 400)["code"] == "role_already_assigned"

    unassigned = org.users.roles.delete(auditor.id, user_id=ada)
    assert unassigned.object == "user.role.deleted" and unassigned.deleted is True
    assert org.groups.roles.delete("role_org_reader", group_id=group.id).object == "group.role.deleted"
    assert list(org.users.roles.list(ada)) == []
    events = [e for e in org.audit_logs.list(event_types=["role.assignment.created", "role.assignment.deleted"]).data]
    assert [e.type for e in events] == ["role.assignment.deleted"] * 2 + ["role.assignment.created"] * 2


def test_project_groups_and_project_assignments(org) -> None:  # noqa: ANN001
    owner = org.users.list().data[0]
    project = org.projects.create(name="platform")
    group = org.groups.create(name="Devs")
    pg = org.projects.groups.create(project.id, group_id=group.id, role="role_proj_member")
    assert (pg.object, pg.project_id, pg.group_id, pg.group_name, pg.group_type) == (
        "project.group", project.id, group.id, "Devs", "group")
    assert [g.group_id for g in org.projects.groups.list(project.id)] == [group.id]
    assert org.projects.groups.retrieve(group.id, project_id=project.id).group_name == "Devs"
    assert [r.id for r in org.projects.groups.roles.list(group.id, project_id=project.id)] == ["role_proj_member"]
    with pytest.raises(openai.NotFoundError) as e:
        org.projects.groups.create(project.id, group_id=group.id, role="role_nope")
    assert assert_error_shape(e.value, 404)["param"] == "role"

    viewer = org.projects.users.roles.create(owner.id, project_id=project.id, role_id="role_proj_viewer")
    assert viewer.object == "user.role" and viewer.role.resource_type == "api.project"
    org.groups.users.create(group.id, user_id=owner.id)
    assert [r.id for r in org.projects.users.roles.list(owner.id, project_id=project.id)] == ["role_proj_member", "role_proj_viewer"]
    assert org.projects.users.roles.retrieve("role_proj_viewer", project_id=project.id, user_id=owner.id).id == "role_proj_viewer"
    assert org.projects.users.roles.delete("role_proj_viewer", project_id=project.id, user_id=owner.id).deleted is True
    extra = org.projects.groups.roles.create(group.id, project_id=project.id, role_id="role_proj_viewer")
    assert extra.object == "group.role"
    assert org.projects.groups.roles.retrieve("role_proj_viewer", project_id=project.id, group_id=group.id).name == "Viewer"
    assert org.projects.groups.roles.delete("role_proj_viewer", project_id=project.id, group_id=group.id).deleted is True

    removed = org.projects.groups.delete(group.id, project_id=project.id)
    assert removed.object == "project.group.deleted" and removed.deleted is True
    assert list(org.projects.groups.roles.list(group.id, project_id=project.id)) == []
    with pytest.raises(openai.NotFoundError) as e:
        org.projects.groups.retrieve(group.id, project_id=project.id)
    assert assert_error_shape(e.value, 404)["param"] == "group_id"

    # Deleting a group takes its project access and roles along.
    org.projects.groups.create(project.id, group_id=group.id, role="role_proj_owner")
    org.groups.delete(group.id)
    assert list(org.projects.groups.list(project.id)) == []
    assert list(org.projects.users.roles.list(owner.id, project_id=project.id)) == []
