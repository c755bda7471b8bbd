/// A certificate (`Certificate`): object `certificate` from upload/retrieve/modify (no `active`),
/// `organization.certificate` or `organization.project.certificate` in lists and toggles.
public struct Certificate: Codable, Sendable, Hashable {
    public struct Details: Codable, Sendable, Hashable {
        public let validAt: Int
        public let expiresAt: Int
        /// The PEM, only when retrieved with `include=content`.
        public let content: String?
        enum CodingKeys: String, CodingKey { case content, validAt = "valid_at", expiresAt = "expires_at" }
    }

    public let object: String
    public let id: String
    public let name: String?
    public let createdAt: Int
    public let certificateDetails: Details
    public let active: Bool?

    enum CodingKeys: String, CodingKey {
        case object, id, name, active, createdAt = "created_at", certificateDetails = "certificate_details"
    }
}

/// `POST /v1/organization/certificates` (`UploadCertificateRequest`): a PEM certificate.
public struct UploadCertificateRequest: Codable, Sendable {
    public var name: String?
    public var certificate: String
    public init(certificate: String, name: String? = nil) {
        self.certificate = certificate
        self.name = name
    }
}

/// The answer of activate/deactivate (`OrganizationCertificateActivationResponse` and the like).
public struct CertificateActivationResponse: Codable, Sendable, Hashable {
    public let object: String
    public let data: [Certificate]
}

public typealias ListCertificatesResponse = CursorPage<Certificate>

/// `OrganizationDataRetention` (`type`: zero_data_retention, modified_abuse_monitoring, …).
public struct DataRetention: Codable, Sendable, Hashable {
    public let object: String
    public let type: String
}

/// The hard spend limit (`OrganizationSpendLimitResource`); `thresholdAmount` in cents.
public struct SpendLimit: Codable, Sendable, Hashable {
    public struct Enforcement: Codable, Sendable, Hashable {
        public let status: String
    }

    public let object: String
    public let thresholdAmount: Int
    public let currency: String
    public let interval: String
    public let enforcement: Enforcement

    enum CodingKeys: String, CodingKey { case object, currency, interval, enforcement, thresholdAmount = "threshold_amount" }
}

/// `UpdateOrganizationSpendLimitBody`.
public struct SpendLimitRequest: Codable, Sendable {
    public var thresholdAmount: Int
    public var currency: String
    public var interval: String
    public init(thresholdAmount: Int, currency: String = "USD", interval: String = "month") {
        self.thresholdAmount = thresholdAmount
        self.currency = currency
        self.interval = interval
    }
    enum CodingKeys: String, CodingKey { case currency, interval, thresholdAmount = "threshold_amount" }
}

/// `SpendAlertNotificationChannel` (only `email` for now).
public struct SpendAlertNotificationChannel: Codable, Sendable, Hashable {
    public var type: String
    public var recipients: [String]
    public var subjectPrefix: String?
    public init(recipients: [String], subjectPrefix: String? = nil, type: String = "email") {
        self.type = type
        self.recipients = recipients
        self.subjectPrefix = subjectPrefix
    }
    enum CodingKeys: String, CodingKey { case type, recipients, subjectPrefix = "subject_prefix" }
}

/// A spend alert (`OrganizationSpendAlert`); `thresholdAmount` in cents.
public struct SpendAlert: Codable, Sendable, Hashable {
    public let id: String
    public let object: String
    public let thresholdAmount: Int
    public let currency: String
    public let interval: String
    public let notificationChannel: SpendAlertNotificationChannel

    enum CodingKeys: String, CodingKey {
        case id, object, currency, interval, thresholdAmount = "threshold_amount", notificationChannel = "notification_channel"
    }
}

/// `CreateSpendAlertBody` (create and update).
public struct SpendAlertRequest: Codable, Sendable {
    public var thresholdAmount: Int
    public var currency: String
    public var interval: String
    public var notificationChannel: SpendAlertNotificationChannel
    public init(thresholdAmount: Int, notificationChannel: SpendAlertNotificationChannel, currency: String = "USD", interval: String = "month") {
        self.thresholdAmount = thresholdAmount
        self.currency = currency
        self.interval = interval
        self.notificationChannel = notificationChannel
    }
    enum CodingKeys: String, CodingKey {
        case currency, interval, thresholdAmount = "threshold_amount", notificationChannel = "notification_channel"
    }
}

public typealias SpendAlertListResponse = CursorPage<SpendAlert>

/// A project's model allow or deny list (`ProjectModelPermissions`).
public struct ProjectModelPermissions: Codable, Sendable, Hashable {
    public let object: String
    /// `allow_list` or `deny_list`.
    public let mode: String
    public let modelIDs: [String]

    enum CodingKeys: String, CodingKey { case object, mode, modelIDs = "model_ids" }
}

/// `ProjectModelPermissionsUpdateRequest`.
public struct ProjectModelPermissionsRequest: Codable, Sendable {
    public var mode: String
    public var modelIDs: [String]
    public init(mode: String, modelIDs: [String]) {
        self.mode = mode
        self.modelIDs = modelIDs
    }
    enum CodingKeys: String, CodingKey { case mode, modelIDs = "model_ids" }
}

/// `DeleteCertificateResponse` (no `deleted` member).
public struct CertificateDeleted: Codable, Sendable, Hashable {
    public let object: String
    public let id: String
}
