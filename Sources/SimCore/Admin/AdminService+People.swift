import SimSupport

/// The organization's users and invites.
extension AdminService {
    // MARK: - Users

    func users(_ org: Org) throws(APIError) -> [JSON] { try records(org.root.id, Self.users).map(\.body) }

    func findUser(_ org: Org, id: String?, email: String?) throws(APIError) -> JSON {
        guard id != nil || email != nil else { throw .missingParameter("user_id") }
        let all = try users(org)
        if let id {
            guard let u = all.first(where: { $0["id"]?.stringValue == id }) else {
                throw .invalidRequest("User '\(id)' is not a member of this organization.", param: "user_id", code: "not_found", status: 404)
            }
            return u
        }
        let e = (email ?? "").lowercased()
        guard let u = all.first(where: { $0["email"]?.stringValue?.lowercased() == e }) else {
            throw .invalidRequest("No user with email '\(email ?? "")' in this organization.", param: "email", code: "not_found", status: 404)
        }
        return u
    }

    /// - Remark: GET /v1/organization/users
    public func listUsers(tenant: Tenant, after: String?, limit: Int, emails: [String]) throws(APIError) -> Page {
        let org = try org(tenant)
        let wanted = Set(emails.map { $0.lowercased() })
        let all = try users(org).filter { wanted.isEmpty || wanted.contains($0["email"]?.stringValue?.lowercased() ?? "") }
        return try Self.page(all, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/users/{user_id}
    public func retrieveUser(tenant: Tenant, id: String) throws(APIError) -> JSON {
        try findUser(try org(tenant), id: id, email: nil)
    }

    /// - Remark: POST /v1/organization/users/{user_id}
    public func updateUser(tenant: Tenant, id: String, role: String?) throws(APIError) -> JSON {
        let org = try org(tenant)
        var user = try findUser(org, id: id, email: nil)
        if let role {
            guard ["owner", "reader"].contains(role) else { throw .invalidValue("role", role, supported: ["owner", "reader"]) }
            if id == org.ownerID && role != "owner" {
                throw .invalidRequest("The organization's founding owner (the holder of the key it was created with) stays an owner.", param: "role")
            }
            user = user.setting("role", .string(role))
            try put(org.root.id, Self.users, id, user["added_at"]?.intValue ?? 0, user)
        }
        return user
    }

    /// - Remark: DELETE /v1/organization/users/{user_id}
    public func deleteUser(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        _ = try findUser(org, id: id, email: nil)
        if id == org.ownerID { throw .invalidRequest("The organization's founding owner (the holder of the key it was created with) cannot be removed.", param: "user_id") }
        for r in try records(org.root.id, Self.memberships) where r.body["user_id"]?.stringValue == id {
            remove(org.root.id, Self.memberships, r.id)
        }
        try forgetAccess(org, user: id)
        remove(org.root.id, Self.users, id)
        return .object([("object", "organization.user.deleted"), ("id", .string(id)), ("deleted", true)])
    }

    // MARK: - Invites

    /// An invite stays pending (nobody accepts in a simulator) until it expires on the clock,
    /// seven days after it was sent.
    /// - Remark: POST /v1/organization/invites
    public func invite(tenant: Tenant, email: String, role: String, projects: [(id: String, role: String)]) throws(APIError) -> JSON {
        let org = try org(tenant)
        guard Self.looksLikeEmail(email) else { throw .invalidRequest("Invalid email address: '\(email)'.", param: "email") }
        guard ["reader", "owner"].contains(role) else { throw .invalidValue("role", role, supported: ["reader", "owner"]) }
        if try users(org).contains(where: { $0["email"]?.stringValue?.lowercased() == email.lowercased() }) {
            throw .invalidRequest("'\(email)' is already a member of this organization.", param: "email")
        }
        var projectList: [JSON] = []
        for (i, p) in projects.enumerated() {
            guard ["member", "owner"].contains(p.role) else {
                throw .invalidValue("projects[\(i)].role", p.role, supported: ["member", "owner"])
            }
            // A project the body names that does not exist is a bad parameter (400), not a 404 of the request.
            do { try requireActive(try loadProject(org, p.id)) } catch {
                throw .invalidRequest(error.message, param: "projects[\(i)].id")
            }
            projectList.append(.object([("id", .string(p.id)), ("role", .string(p.role))]))
        }
        let now = env.now()
        let id = env.ids(stream: org.root.id).make("invite-", length: 24)
        let invite: JSON = .object([("object", "organization.invite"), ("id", .string(id)), ("email", .string(email)),
                                    ("role", .string(role)), ("status", "pending"), ("created_at", .int(now)),
                                    ("expires_at", .int(now + Self.inviteSeconds)), ("accepted_at", .null),
                                    ("projects", .array(projectList))])
        try put(org.root.id, Self.invites, id, now, invite)
        return invite
    }

    /// The invitee joins (the control plane's `POST /__sim/invites/accept`, standing in for the
    /// person clicking the link): a user with the invite's role and email, a member of the
    /// invite's projects; the invite becomes `accepted`. Audited as `invite.accepted` and
    /// `user.added`, with the new user as the actor.
    public func acceptInvite(tenant: Tenant, id: String, name: String?) throws(APIError) -> JSON {
        let org = try org(tenant)
        let invite = withStatus(try loadInvite(org, id))
        guard invite["status"]?.stringValue == "pending" else {
            throw .invalidRequest("Invite '\(id)' is \(invite["status"]?.stringValue ?? "not pending") and cannot be accepted.", param: "invite_id",
                                  code: "invite_not_pending", status: 409)
        }
        let email = invite["email"]?.stringValue ?? ""
        if try users(org).contains(where: { $0["email"]?.stringValue?.lowercased() == email.lowercased() }) {
            throw .invalidRequest("'\(email)' is already a member of this organization.", param: "invite_id", status: 409)
        }
        let now = env.now()
        let uid = env.ids(stream: org.root.id).make("user-", length: 24)
        let display = name ?? String(email.prefix { $0 != "@" })
        let user: JSON = .object([("object", "organization.user"), ("id", .string(uid)), ("name", .string(display)),
                                  ("email", .string(email)), ("role", invite["role"] ?? "reader"), ("added_at", .int(now))])
        try put(org.root.id, Self.users, uid, now, user)
        for p in invite["projects"]?.arrayValue ?? [] {
            guard let project = p["id"]?.stringValue, (try? loadProject(org, project)) != nil else { continue }
            try putMembership(org.root.id, project: project, user: uid, role: p["role"]?.stringValue ?? "member", addedAt: now)
        }
        try put(org.root.id, Self.invites, id, invite["created_at"]?.intValue ?? now,
                invite.setting("status", "accepted").setting("accepted_at", .int(now)))
        let actor: JSON = .object([("type", "session"), ("session", .object([("user", .object([("id", .string(uid)), ("email", .string(email))])),
                                                                              ("ip_address", "127.0.0.1")]))])
        record(org, type: "invite.accepted", payload: .object([("id", .string(id))]), actor: actor, project: nil)
        record(org, type: "user.added", payload: .object([("id", .string(uid)), ("data", .object([("role", invite["role"] ?? "reader")]))]),
               actor: actor, project: nil)
        return user
    }

    /// - Remark: GET /v1/organization/invites
    public func listInvites(tenant: Tenant, after: String?, limit: Int) throws(APIError) -> Page {
        let org = try org(tenant)
        return try Self.page(try records(org.root.id, Self.invites).map { withStatus($0.body) }, after: after, limit: limit)
    }

    /// - Remark: GET /v1/organization/invites/{invite_id}
    public func retrieveInvite(tenant: Tenant, id: String) throws(APIError) -> JSON {
        withStatus(try loadInvite(try org(tenant), id))
    }

    /// - Remark: DELETE /v1/organization/invites/{invite_id}
    public func deleteInvite(tenant: Tenant, id: String) throws(APIError) -> JSON {
        let org = try org(tenant)
        let invite = withStatus(try loadInvite(org, id))
        if invite["status"]?.stringValue == "accepted" {
            throw .invalidRequest("An accepted invite cannot be deleted.", param: "invite_id")
        }
        remove(org.root.id, Self.invites, id)
        return .object([("object", "organization.invite.deleted"), ("id", .string(id)), ("deleted", true)])
    }

    func loadInvite(_ org: Org, _ id: String) throws(APIError) -> JSON {
        guard let r = try? env.records.get(tenant: org.root.id, collection: Self.invites, id: id) else {
            throw .invalidRequest("No such invite: '\(id)'.", param: "invite_id", code: "not_found", status: 404)
        }
        return r.body
    }

    func withStatus(_ invite: JSON) -> JSON {
        guard invite["status"]?.stringValue == "pending", let exp = invite["expires_at"]?.intValue, env.now() >= exp else { return invite }
        return invite.setting("status", "expired")
    }

    static func looksLikeEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && !s.contains(" ")
    }
}
