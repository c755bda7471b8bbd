"""The organization admin API with the official SDK (`client.admin.organization…`): projects,
service accounts whose keys work (in their own project) until revoked, project API keys, admin
API keys, users, project users and invites, and the errors the SDK raises.

In open mode the key a test starts with is its organization's owner key: the SDK sends it as
the admin key (`admin_api_key=`)."""
from __future__ import annotations

import io

import openai
import pytest

from harness import SimServer, admin_client, assert_error_shape, assert_request_id, new_key


def test_projects_lifecycle_and_pagination(org) -> None:
    first = org.projects.list()
    assert_request_id(first)
    assert [p.name for p in first.data] == ["Default project"], first
    default = first.data[0]
    assert default.id.startswith("proj_") and default.status == "active"

    made = [org.projects.create(name=f"team-{i}") for i in range(5)]
    assert all(p.object == "organization.project" and p.id.startswith("proj_") for p in made)
    assert org.projects.retrieve(made[0].id).name == "team-0"
    renamed = org.projects.update(made[0].id, name="team-zero")
    assert renamed.name == "team-zero" and org.projects.retrieve(made[0].id).name == "team-zero"

    # auto-pagination over pages of two, oldest first
    names = [p.name for p in org.projects.list(limit=2)]
    assert names == ["Default project", "team-zero", "team-1", "team-2", "team-3", "team-4"]

    archived = org.projects.archive(made[1].id)
    assert archived.status == "archived" and isinstance(archived.archived_at, int)
    assert made[1].id not in [p.id for p in org.projects.list()]
    assert made[1].id in [p.id for p in org.projects.list(include_archived=True)]
    with pytest.raises(openai.BadRequestError) as e:
        org.projects.update(made[1].id, name="back")
    assert_error_shape(e.value, 400)
    with pytest.raises(openai.BadRequestError):
        org.projects.archive(default.id)

    with pytest.raises(openai.NotFoundError) as e:
        org.projects.retrieve("proj_nope")
    assert assert_error_shape(e.value, 404)["param"] == "project_id"
    with pytest.raises(openai.BadRequestError) as e:
        org.projects.create(name="x", residency="MOON")
    assert assert_error_shape(e.value, 400)["param"] == "residency"


def test_service_account_key_works_in_its_project_until_deleted(sim: SimServer, org, api_key: str) -> None:
    project = org.projects.create(name="payments")
    account = org.projects.service_accounts.create(project.id, name="ci-bot")
    assert account.object == "organization.project.service_account" and account.id.startswith("svc_acct_")
    assert account.role == "member"
    key = account.api_key
    assert key is not None and key.value.startswith("sk-svcacct-") and key.id.startswith("key_")

    listed = org.projects.api_keys.list(project.id)
    assert [k.id for k in listed.data] == [key.id]
    assert listed.data[0].owner.type == "service_account" and listed.data[0].owner.service_account.id == account.id
    assert key.value not in listed.data[0].redacted_value and listed.data[0].redacted_value.startswith("sk-svcacct")
    assert org.projects.api_keys.retrieve(key.id, project_id=project.id).id == key.id

    # The key works, in its own project: files there are not the default project's.
    bot = sim.client(key.value)
    owner = sim.client(api_key)
    try:
        f = bot.files.create(file=("bot.txt", io.BytesIO(b"from the bot"), "text/plain"), purpose="assistants")
        assert [x.id for x in bot.files.list()] == [f.id]
        assert f.id not in [x.id for x in owner.files.list()]
        with pytest.raises(openai.NotFoundError):
            owner.files.retrieve(f.id)

        # A key owned by a service account goes with the account.
        with pytest.raises(openai.BadRequestError):
            org.projects.api_keys.delete(key.id, project_id=project.id)
        gone = org.projects.service_accounts.delete(account.id, project_id=project.id)
        assert gone.deleted is True and gone.object == "organization.project.service_account.deleted"
        with pytest.raises(openai.AuthenticationError) as e:
            bot.files.list()
        body = assert_error_shape(e.value, 401)
        assert body["code"] == "invalid_api_key" and key.value not in body["message"]
        assert org.projects.api_keys.list(project.id).data == []
        with pytest.raises(openai.NotFoundError):
            org.projects.service_accounts.retrieve(account.id, project_id=project.id)
    finally:
        bot.close()
        owner.close()


def test_a_projects_lowered_rate_limit_is_enforced_with_the_apis_429(sim: SimServer, org, api_key: str) -> None:
    project = org.projects.create(name="throttled")
    account = org.projects.service_accounts.create(project.id, name="bot")
    bot = sim.client(account.api_key.value)  # max_retries=0: the 429 surfaces
    org.projects.rate_limits.update_rate_limit("rl_gpt-4o-mini", project_id=project.id, max_requests_per_1_minute=1)
    first = bot.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert first.headers["x-ratelimit-limit-requests"] == "1" and first.headers["x-ratelimit-remaining-requests"] == "0"
    assert first.parse().choices[0].message.content
    with pytest.raises(openai.RateLimitError) as e:
        bot.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "again"}])
    err = assert_error_shape(e.value, 429)
    assert err["type"] == "requests" and err["code"] == "rate_limit_exceeded", err
    assert "on requests per min (RPM): Limit 1, Used 1, Requested 1." in err["message"], err
    assert e.value.response.headers["retry-after"] == "60"
    # Another model of the same project, and the organization's default project, are not limited.
    assert bot.embeddings.create(model="text-embedding-3-small", input="x").data
    owner = sim.client(api_key)
    assert owner.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]).choices


def test_a_projects_hard_spend_limit_refuses_priced_requests_once_reached(sim: SimServer, org) -> None:
    project = org.projects.create(name="budgeted")
    account = org.projects.service_accounts.create(project.id, name="bot")
    bot = sim.client(account.api_key.value)  # max_retries=0: the 429 surfaces
    org.projects.spend_limit.update(project.id, threshold_amount=1, currency="USD", interval="month")
    # o1-pro's output is $600 per million tokens: this one answer spends more than the cent.
    assert bot.responses.create(model="o1-pro", input="Write two sentences about rivers.").output_text
    with pytest.raises(openai.RateLimitError) as e:
        bot.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    err = assert_error_shape(e.value, 429)
    assert err["type"] == "insufficient_quota" and err["code"] == "insufficient_quota", err
    assert err["message"].startswith("You exceeded your current quota, please check your plan and billing details."), err
    assert bot.moderations.create(input="hello").results  # free: not refused
    org.projects.spend_limit.delete(project.id)
    assert bot.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]).choices


def test_a_projects_model_permissions_refuse_other_models_as_the_api_does(sim: SimServer, org) -> None:
    project = org.projects.create(name="restricted")
    account = org.projects.service_accounts.create(project.id, name="bot")
    bot = sim.client(account.api_key.value)
    org.projects.model_permissions.update(project.id, mode="allow_list", model_ids=["gpt-4.1-mini"])
    with pytest.raises(openai.PermissionDeniedError) as e:
        bot.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    err = assert_error_shape(e.value, 403)
    assert err["code"] == "model_not_found" and err["param"] is None, err
    assert err["message"] == f"Project `{project.id}` does not have access to model `gpt-4o-mini`", err
    assert bot.responses.create(model="gpt-4.1-mini", input="hi").output_text
    org.projects.model_permissions.delete(project.id)
    assert bot.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]).choices


def test_a_project_with_web_search_off_cannot_search(sim: SimServer, org) -> None:
    project = org.projects.create(name="no-search")
    account = org.projects.service_accounts.create(project.id, name="bot")
    bot = sim.client(account.api_key.value)
    assert bot.responses.create(model="gpt-4.1", input="news today?", tools=[{"type": "web_search"}]).output[0].type == "web_search_call"
    org.projects.hosted_tool_permissions.update(project.id, web_search={"enabled": False})
    with pytest.raises(openai.PermissionDeniedError) as e:
        bot.responses.create(model="gpt-4.1", input="news today?", tools=[{"type": "web_search"}])
    err = assert_error_shape(e.value, 403)
    assert err["param"] == "tools" and "`web_search`" in err["message"], err
    with pytest.raises(openai.PermissionDeniedError):
        bot.chat.completions.create(model="gpt-4o-search-preview", messages=[{"role": "user", "content": "news?"}])
    assert bot.responses.create(model="gpt-4.1", input="hi").output_text  # no web search: allowed
    org.projects.hosted_tool_permissions.update(project.id, web_search={"enabled": True})
    assert bot.responses.create(model="gpt-4.1", input="news today?", tools=[{"type": "web_search"}]).output_text


def test_service_account_api_keys_and_project_rate_limits(sim: SimServer, org) -> None:
    project = org.projects.create(name="limits")
    account = org.projects.service_accounts.create(project.id, name="ci-bot", create_service_account_only=True)
    assert account.api_key is None
    made = org.projects.service_accounts.api_keys.create(account.id, project_id=project.id, name="deploy", scopes=["api.model.read"])
    assert made.object == "organization.project.service_account.api_key" and made.name == "deploy"
    assert made.value.startswith("sk-svcacct-") and made.id.startswith("key_")
    bot = sim.client(made.value)
    try:
        assert any(m.id == "gpt-4o-mini" for m in bot.models.list())
        with pytest.raises(openai.BadRequestError) as e:
            org.projects.service_accounts.api_keys.create(account.id, project_id=project.id, expires_in_seconds=0)
        assert assert_error_shape(e.value, 400)["param"] == "expires_in_seconds"

        # Rate limits: every listed model at the organization's limits, paged by the SDK.
        limits = list(org.projects.rate_limits.list_rate_limits(project.id, limit=5))
        assert len(limits) > 5 and len({r.id for r in limits}) == len(limits)
        mini = next(r for r in limits if r.model == "gpt-4o-mini")
        assert mini.object == "project.rate_limit" and mini.id == "rl_gpt-4o-mini"
        lowered = org.projects.rate_limits.update_rate_limit(mini.id, project_id=project.id, max_requests_per_1_minute=10)
        assert lowered.max_requests_per_1_minute == 10 and lowered.max_tokens_per_1_minute == mini.max_tokens_per_1_minute
        again = next(r for r in org.projects.rate_limits.list_rate_limits(project.id) if r.model == "gpt-4o-mini")
        assert again.max_requests_per_1_minute == 10
        with pytest.raises(openai.BadRequestError) as e:
            org.projects.rate_limits.update_rate_limit(mini.id, project_id=project.id,
                                                       max_requests_per_1_minute=mini.max_requests_per_1_minute + 1)
        assert assert_error_shape(e.value, 400)["code"] == "integer_above_max_value"
        with pytest.raises(openai.NotFoundError):
            org.projects.rate_limits.update_rate_limit("rl_nope", project_id=project.id, max_requests_per_1_minute=1)

        # Deleting the account revokes the key made afterwards too.
        org.projects.service_accounts.delete(account.id, project_id=project.id)
        with pytest.raises(openai.AuthenticationError):
            bot.models.list()
    finally:
        bot.close()


def test_archiving_a_project_revokes_its_keys(sim: SimServer, org) -> None:
    project = org.projects.create(name="short-lived")
    account = org.projects.service_accounts.create(project.id, name="worker")
    only = org.projects.service_accounts.create(project.id, name="no-key", create_service_account_only=True)
    assert only.api_key is None
    assert [a.name for a in org.projects.service_accounts.list(project.id)] == ["worker", "no-key"]
    updated = org.projects.service_accounts.update(account.id, project_id=project.id, role="owner")
    assert updated.role == "owner"
    bot = sim.client(account.api_key.value)
    try:
        assert bot.models.list().data
        org.projects.archive(project.id)
        with pytest.raises(openai.AuthenticationError):
            bot.models.list()
        with pytest.raises(openai.BadRequestError):
            org.projects.service_accounts.create(project.id, name="late")
    finally:
        bot.close()


def test_admin_api_keys_reach_the_same_organization(sim: SimServer, org) -> None:
    project = org.projects.create(name="shared")
    made = org.admin_api_keys.create(name="ops", expires_in_seconds=3600)
    assert_request_id(made)
    assert made.object == "organization.admin_api_key" and made.value.startswith("sk-admin-")
    assert made.redacted_value.startswith("sk-admin...") and made.value not in made.redacted_value
    assert made.expires_at == made.created_at + 3600 and made.owner.role == "owner"
    assert org.admin_api_keys.retrieve(made.id).name == "ops"
    assert [k.id for k in org.admin_api_keys.list()] == [made.id]

    ops = admin_client(sim, made.value)
    try:
        assert project.id in [p.id for p in ops.admin.organization.projects.list()]
        org.admin_api_keys.delete(made.id)
        with pytest.raises(openai.AuthenticationError):
            ops.admin.organization.projects.list()
    finally:
        ops.close()
    with pytest.raises(openai.NotFoundError):
        org.admin_api_keys.retrieve(made.id)
    with pytest.raises(openai.BadRequestError) as e:
        org.admin_api_keys.create(name="forever", expires_in_seconds=0)
    assert assert_error_shape(e.value, 400)["param"] == "expires_in_seconds"


def test_users_project_users_and_invites(sim: SimServer, org) -> None:
    users = org.users.list()
    assert len(users.data) == 1
    owner = users.data[0]
    assert owner.object == "organization.user" and owner.id.startswith("user-") and owner.role == "owner"
    assert org.users.retrieve(owner.id).email == owner.email
    assert [u.id for u in org.users.list(emails=[owner.email])] == [owner.id]
    assert org.users.list(emails=["nobody@example.com"]).data == []
    with pytest.raises(openai.BadRequestError):
        org.users.update(owner.id, role="reader")  # the founding owner stays one

    project = org.projects.create(name="research")
    members = org.projects.users.list(project.id)
    assert [(m.id, m.role) for m in members.data] == [(owner.id, "owner")]
    assert org.projects.users.update(owner.id, project_id=project.id, role="member").role == "member"
    assert org.projects.users.delete(owner.id, project_id=project.id).deleted is True
    assert org.projects.users.list(project.id).data == []
    added = org.projects.users.create(project.id, user_id=owner.id, role="owner")
    assert added.id == owner.id and added.role == "owner"
    with pytest.raises(openai.BadRequestError):
        org.projects.users.create(project.id, user_id=owner.id, role="owner")  # already a member
    with pytest.raises(openai.NotFoundError):
        org.projects.users.create(project.id, user_id="user-nobody", role="member")

    invite = org.invites.create(email="new.hire@example.com", role="reader",
                                projects=[{"id": project.id, "role": "member"}])
    assert invite.object == "organization.invite" and invite.status == "pending"
    assert invite.id.startswith("invite-") and invite.expires_at == invite.created_at + 7 * 86400
    assert invite.projects[0].id == project.id
    assert [i.id for i in org.invites.list()] == [invite.id]
    sim.advance(7 * 86400)
    assert org.invites.retrieve(invite.id).status == "expired"
    assert org.invites.delete(invite.id).deleted is True
    with pytest.raises(openai.NotFoundError):
        org.invites.retrieve(invite.id)
    with pytest.raises(openai.BadRequestError) as e:
        org.invites.create(email="not-an-email", role="reader")
    assert assert_error_shape(e.value, 400)["param"] == "email"
    with pytest.raises(openai.BadRequestError) as e:
        org.invites.create(email="x@example.com", role="reader", projects=[{"id": "proj_nope", "role": "member"}])
    assert assert_error_shape(e.value, 400)["param"] == "projects[0].id"


def test_two_owner_keys_are_two_organizations(sim: SimServer) -> None:
    a = admin_client(sim, new_key("org-a"))
    b = admin_client(sim, new_key("org-b"))
    try:
        made = a.admin.organization.projects.create(name="only-in-a")
        assert made.id not in [p.id for p in b.admin.organization.projects.list()]
        with pytest.raises(openai.NotFoundError):
            b.admin.organization.projects.retrieve(made.id)
    finally:
        a.close()
        b.close()


def test_usage_and_costs_count_what_the_organization_did(sim: SimServer, api_key: str, org) -> None:
    project = org.projects.create(name="metered")
    bot_api_key = org.projects.service_accounts.create(project.id, name="meter-bot").api_key
    bot_key = bot_api_key.value
    owner = sim.client(api_key)
    bot = sim.client(bot_key)
    try:
        status, clock = sim.control("GET", "/__sim/clock")
        assert status == 200
        start = int(clock["unix"])
        chat = owner.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Count me in."}])
        resp = bot.responses.create(model="gpt-4.1-mini", input="And me, from another project.")
        emb = owner.embeddings.create(model="text-embedding-3-small", input=["one", "two words"])
        owner.moderations.create(model="omni-moderation-latest", input="a perfectly ordinary sentence")

        day = org.usage.completions(start_time=start, bucket_width="1d", group_by=["project_id", "model"])
        assert_request_id(day)
        assert day.object == "page" and day.has_more is False and len(day.data) == 1
        bucket = day.data[0]
        assert bucket.start_time <= start < bucket.end_time
        rows = {(r.project_id, r.model): r for r in bucket.results}
        default_project = [p.id for p in org.projects.list() if p.name == "Default project"][0]
        mine = rows[(default_project, "gpt-4o-mini")]
        assert mine.input_tokens == chat.usage.prompt_tokens and mine.output_tokens == chat.usage.completion_tokens
        assert mine.num_model_requests == 1
        theirs = rows[(project.id, "gpt-4.1-mini")]
        assert theirs.input_tokens == resp.usage.input_tokens and theirs.output_tokens == resp.usage.output_tokens

        by_key = {r.api_key_id: r for r in org.usage.completions(start_time=start, group_by=["api_key_id"]).data[0].results}
        assert len(by_key) == 2 and by_key[bot_api_key.id].input_tokens == resp.usage.input_tokens
        owner_key_id = next(k for k in by_key if k != bot_api_key.id)
        assert owner_key_id.startswith("key_") and by_key[owner_key_id].input_tokens == chat.usage.prompt_tokens
        assert [r.num_model_requests for r in org.usage.completions(start_time=start, api_key_ids=[bot_api_key.id]).data[0].results] == [1]
        audited = org.audit_logs.list(resource_ids=[project.id]).data[0]
        assert audited.actor.api_key.id == owner_key_id  # the same id in usage and in the audit log
        owner_user = [u.id for u in org.users.list() if u.role == "owner"][0]
        by_user = {r.user_id: r for r in org.usage.completions(start_time=start, group_by=["user_id"]).data[0].results}
        assert set(by_user) == {owner_user, None}  # the service account's key belongs to no user
        assert by_user[owner_user].input_tokens == chat.usage.prompt_tokens and by_user[None].input_tokens == resp.usage.input_tokens
        assert [r.input_tokens for r in org.usage.completions(start_time=start, user_ids=[owner_user]).data[0].results] == [chat.usage.prompt_tokens]
        only_bot = org.usage.completions(start_time=start, project_ids=[project.id])
        assert [(r.input_tokens, r.project_id) for r in only_bot.data[0].results] == [(resp.usage.input_tokens, None)]

        e = org.usage.embeddings(start_time=start, group_by=["model"]).data[0].results
        assert [(r.model, r.input_tokens, r.num_model_requests) for r in e] == [("text-embedding-3-small", emb.usage.prompt_tokens, 1)]
        m = org.usage.moderations(start_time=start).data[0].results
        assert len(m) == 1 and m[0].num_model_requests == 1 and m[0].input_tokens > 0
        assert org.usage.images(start_time=start).data[0].results == []

        # Minute buckets, paged: 3 per page over 5 whole minutes. Buckets start on the minute, so
        # the range starts on one too (the clock's position depends on the tests run before).
        sim.advance(240)
        minute = start - start % 60
        pages = org.usage.completions(start_time=minute, end_time=minute + 300, bucket_width="1m", limit=3)
        assert len(pages.data) == 3 and pages.has_more is True and pages.next_page
        assert [b.start_time for b in pages.data] == [minute, minute + 60, minute + 120]
        rest = org.usage.completions(start_time=minute, end_time=minute + 300, bucket_width="1m", limit=3, page=pages.next_page)
        assert len(rest.data) == 2 and rest.has_more is False and rest.next_page is None
        assert rest.data[-1].end_time == minute + 300
        counted = sum(r.num_model_requests for b in pages.data + rest.data for r in b.results)
        assert counted == 2

        costs = org.usage.costs(start_time=start, group_by=["line_item"])
        items = {r.line_item: r for r in costs.data[0].results}
        assert "gpt-4o-mini, input" in items and "gpt-4.1-mini, output" in items
        assert all(r.amount.currency == "usd" and r.amount.value >= 0 for r in items.values())
        total = org.usage.costs(start_time=start).data[0].results
        assert len(total) == 1
        assert abs(total[0].amount.value - sum(r.amount.value for r in items.values())) < 1e-6

        with pytest.raises(openai.BadRequestError) as err:
            org.usage.completions(start_time=start, group_by=["colour"])
        assert assert_error_shape(err.value, 400)["param"] == "group_by"
        with pytest.raises(openai.BadRequestError) as err:
            org.usage.costs(start_time=start, bucket_width="1h")
        assert assert_error_shape(err.value, 400)["param"] == "bucket_width"
    finally:
        owner.close()
        bot.close()


def test_audit_logs_record_who_changed_what(sim: SimServer, org) -> None:
    status, clock = sim.control("GET", "/__sim/clock")
    start = int(clock["unix"])
    project = org.projects.create(name="audited")
    org.projects.update(project.id, name="audited-2")
    account = org.projects.service_accounts.create(project.id, name="robot")
    org.invites.create(email="someone@example.com", role="reader")
    org.projects.archive(project.id)

    events = list(org.audit_logs.list(effective_at={"gte": start}))
    assert [e.type for e in events] == ["project.archived", "invite.sent", "api_key.created", "service_account.created",
                                        "project.updated", "project.created"]
    created = events[-1]
    assert created.id.startswith("audit_log-") and created.effective_at >= start
    assert created.project.id == project.id and created.actor.type == "api_key"
    assert created.actor.api_key.type == "user" and created.actor.api_key.user.id.startswith("user-")
    assert created.project_created.id == project.id and created.project_created.data.name == "audited"
    assert events[-2].project_updated.id == project.id
    assert events[2].api_key_created.id == account.api_key.id
    assert events[0].project_archived.id == project.id
    # Filters: by type, by resource, by project; paging newest first.
    assert [e.type for e in org.audit_logs.list(event_types=["invite.sent"], effective_at={"gte": start})] == ["invite.sent"]
    by_resource = org.audit_logs.list(resource_ids=[account.id])
    assert [e.type for e in by_resource] == ["service_account.created"]
    first = org.audit_logs.list(limit=2, effective_at={"gte": start})
    assert len(first.data) == 2 and first.has_more is True
    assert [e.type for e in first.data] == ["project.archived", "invite.sent"]


    # A service account's key is the actor of what it does (open mode lets it administer).
    other = org.projects.create(name="robot-home")
    robot = org.projects.service_accounts.create(other.id, name="robot-2")
    bot = admin_client(sim, robot.api_key.value)
    try:
        made = bot.admin.organization.projects.create(name="made-by-robot")
        event = org.audit_logs.list(resource_ids=[made.id]).data[0]
        assert event.actor.api_key.type == "service_account"
        assert event.actor.api_key.service_account.id == robot.id and event.actor.api_key.id == robot.api_key.id
    finally:
        bot.close()


def test_an_accepted_invite_makes_a_member_who_can_be_managed(sim: SimServer, api_key: str, org) -> None:
    project = org.projects.create(name="team-space")
    invite = org.invites.create(email="ada@example.com", role="reader", projects=[{"id": project.id, "role": "member"}])
    status, user = sim.control("POST", "/__sim/invites/accept", {"api_key": api_key, "invite_id": invite.id, "name": "Ada"})
    assert status == 200, user
    assert user["email"] == "ada@example.com" and user["role"] == "reader" and user["name"] == "Ada"
    accepted = org.invites.retrieve(invite.id)
    assert accepted.status == "accepted" and isinstance(accepted.accepted_at, int)
    status, again = sim.control("POST", "/__sim/invites/accept", {"api_key": api_key, "invite_id": invite.id})
    assert status == 409 and again["error"]["param"] == "invite_id"

    assert sorted(u.email for u in org.users.list()) == sorted(["ada@example.com", org.users.list().data[0].email])
    member = org.projects.users.retrieve(user["id"], project_id=project.id)
    assert member.role == "member" and member.email == "ada@example.com"
    assert org.users.update(user["id"], role="owner").role == "owner"
    # Joining is audited with the new member as the actor.
    joined = org.audit_logs.list(event_types=["invite.accepted", "user.added"], resource_ids=[invite.id, user["id"]])
    assert {e.type for e in joined} == {"invite.accepted", "user.added"}
    assert all(e.actor.type == "session" and e.actor.session.user.id == user["id"] for e in joined)

    gone = org.users.delete(user["id"])
    assert gone.deleted is True and gone.object == "organization.user.deleted"
    assert user["id"] not in [u.id for u in org.users.list()]
    with pytest.raises(openai.NotFoundError):
        org.projects.users.retrieve(user["id"], project_id=project.id)


def test_strict_mode_accepts_only_known_and_minted_keys(start_server) -> None:
    sim = start_server(extra_args=("--auth", "strict", "--api-key", "sk-strict-owner"))
    stranger = sim.client("sk-stranger-0000")
    owner = admin_client(sim, "sk-strict-owner")
    try:
        with pytest.raises(openai.AuthenticationError) as e:
            stranger.models.list()
        body = assert_error_shape(e.value, 401)
        assert body["code"] == "invalid_api_key" and "sk-stranger-0000" not in body["message"]
        assert owner.models.list().data
        project = owner.admin.organization.projects.create(name="strict")
        bot_key = owner.admin.organization.projects.service_accounts.create(project.id, name="bot").api_key.value
        bot = admin_client(sim, bot_key)
        try:
            assert bot.models.list().data  # a minted key is known
            with pytest.raises(openai.AuthenticationError) as e:
                bot.admin.organization.projects.list()  # but a project key may not administer
            assert "api.management.read" in assert_error_shape(e.value, 401)["message"]
        finally:
            bot.close()
        admin_key = owner.admin.organization.admin_api_keys.create(name="ops").value
        ops = admin_client(sim, admin_key)
        try:
            assert project.id in [p.id for p in ops.admin.organization.projects.list()]
        finally:
            ops.close()
    finally:
        stranger.close()
        owner.close()
