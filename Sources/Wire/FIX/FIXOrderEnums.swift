// Enumerated field values of the order-entry messages, as the ASCII byte
// each is written as. A value outside the set is Reject 373=5.

/// Side (54).
public enum FIXSide: UInt8, Sendable, CaseIterable {
    case buy = 0x31
    case sell = 0x32
    case sellShort = 0x35
    case sellShortExempt = 0x36
}

/// OrdType (40).
public enum FIXOrdType: UInt8, Sendable, CaseIterable {
    case market = 0x31
    case limit = 0x32
    case stop = 0x33
    case stopLimit = 0x34

    /// Whether Price (44) is required.
    @inlinable public var requiresPrice: Bool { self == .limit || self == .stopLimit }
    /// Whether StopPx (99) is required.
    @inlinable public var requiresStopPrice: Bool { self == .stop || self == .stopLimit }
}

/// TimeInForce (59).
public enum FIXTimeInForce: UInt8, Sendable, CaseIterable {
    case day = 0x30
    case goodTillCancel = 0x31
    case atTheOpening = 0x32
    case immediateOrCancel = 0x33
    case fillOrKill = 0x34
    case goodTillCrossing = 0x35
    case goodTillDate = 0x36
}

/// OrdStatus (39). `replaced` exists in FIX 4.2 only (4.4 reports the
/// replaced order's real status); it is accepted in both.
public enum FIXOrdStatus: UInt8, Sendable, CaseIterable {
    case new = 0x30
    case partiallyFilled = 0x31
    case filled = 0x32
    case doneForDay = 0x33
    case canceled = 0x34
    case replaced = 0x35
    case pendingCancel = 0x36
    case stopped = 0x37
    case rejected = 0x38
    case suspended = 0x39
    case pendingNew = 0x41
    case calculated = 0x42
    case expired = 0x43
    case acceptedForBidding = 0x44
    case pendingReplace = 0x45
}

/// What an ExecutionReport reports, independent of the version's encoding
/// of ExecType (150): FIX 4.2 writes a trade as `1` (partial fill) or `2`
/// (fill) and needs ExecTransType (20); FIX 4.4 writes `F` (trade).
public enum FIXExecType: Sendable, CaseIterable, Equatable {
    case new
    case trade
    case doneForDay
    case canceled
    case replaced
    case pendingCancel
    case stopped
    case rejected
    case suspended
    case pendingNew
    case calculated
    case expired
    case restated
    case pendingReplace
    case orderStatus

    /// The ExecType byte for `version`; a trade depends on whether quantity remains.
    @inlinable
    public func wireValue(_ version: FIXVersion, leavesQuantity: Int64) -> UInt8 {
        switch self {
        case .new: 0x30
        case .trade: version == .fix44 ? 0x46 : (leavesQuantity > 0 ? 0x31 : 0x32)
        case .doneForDay: 0x33
        case .canceled: 0x34
        case .replaced: 0x35
        case .pendingCancel: 0x36
        case .stopped: 0x37
        case .rejected: 0x38
        case .suspended: 0x39
        case .pendingNew: 0x41
        case .calculated: 0x42
        case .expired: 0x43
        case .restated: 0x44
        case .pendingReplace: 0x45
        case .orderStatus: 0x49
        }
    }

    /// The ExecType for a wire byte of `version`; nil outside the version's set.
    @inlinable
    public init?(wireValue: UInt8, _ version: FIXVersion) {
        switch wireValue {
        case 0x30: self = .new
        case 0x31, 0x32:
            // FIX 4.4 dropped ExecType 1/2 in favour of F.
            guard version == .fix42 else { return nil }
            self = .trade
        case 0x46:
            guard version == .fix44 else { return nil }
            self = .trade
        case 0x33: self = .doneForDay
        case 0x34: self = .canceled
        case 0x35: self = .replaced
        case 0x36: self = .pendingCancel
        case 0x37: self = .stopped
        case 0x38: self = .rejected
        case 0x39: self = .suspended
        case 0x41: self = .pendingNew
        case 0x42: self = .calculated
        case 0x43: self = .expired
        case 0x44: self = .restated
        case 0x45: self = .pendingReplace
        case 0x49:
            guard version == .fix44 else { return nil }
            self = .orderStatus
        default: return nil
        }
    }
}

/// CxlRejResponseTo (434).
public enum FIXCxlRejResponseTo: UInt8, Sendable, CaseIterable {
    case cancelRequest = 0x31
    case cancelReplaceRequest = 0x32
}

/// HandlInst (21), required in FIX 4.2 order messages.
public enum FIXHandlInst: UInt8, Sendable, CaseIterable {
    case automatedPrivate = 0x31
    case automatedPublic = 0x32
    case manual = 0x33
}

/// BusinessRejectReason (380).
public enum FIXBusinessRejectReason: Int64, Sendable, CaseIterable {
    case other = 0
    case unknownID = 1
    case unknownSecurity = 2
    case unsupportedMessageType = 3
    case applicationNotAvailable = 4
    case conditionallyRequiredFieldMissing = 5
    case notAuthorized = 6
    case deliverToFirmNotAvailable = 7
}

extension FIXMessageView {
    /// A required enumerated char field.
    @inlinable
    public func requiredEnum<E: RawRepresentable>(_ tag: Int, as type: E.Type) throws(FIXFieldError) -> E
    where E.RawValue == UInt8 {
        try requiredEnum(at: index(of: tag) ?? -1, tag: tag, as: type)
    }

    @inlinable @inline(__always)
    public func requiredEnum<E: RawRepresentable>(at index: Int, tag: Int, as type: E.Type) throws(FIXFieldError) -> E
    where E.RawValue == UInt8 {
        let byte = try requiredCharacter(at: index, tag: tag)
        guard let value = E(rawValue: byte) else { throw .valueOutOfRange(tag: tag) }
        return value
    }

    /// An optional enumerated char field.
    @inlinable
    public func optionalEnum<E: RawRepresentable>(_ tag: Int, as type: E.Type) throws(FIXFieldError) -> E?
    where E.RawValue == UInt8 {
        try optionalEnum(at: index(of: tag) ?? -1, tag: tag, as: type)
    }

    @inlinable @inline(__always)
    public func optionalEnum<E: RawRepresentable>(at index: Int, tag: Int, as type: E.Type) throws(FIXFieldError) -> E?
    where E.RawValue == UInt8 {
        guard let byte = try character(at: index, tag: tag) else { return nil }
        guard let value = E(rawValue: byte) else { throw .valueOutOfRange(tag: tag) }
        return value
    }

    /// A whole-number Qty; FIX 4.4 Qty may carry a zero fraction (`100.0`).
    @inlinable
    public func quantity(_ tag: Int) throws(FIXFieldError) -> Int64? {
        try quantity(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func quantity(at index: Int, tag: Int) throws(FIXFieldError) -> Int64? {
        guard let quantity = try decimal(at: index, tag: tag, impliedDecimals: 0) else { return nil }
        guard quantity >= 0 else { throw .valueOutOfRange(tag: tag) }
        return quantity
    }

    @inlinable
    public func requiredQuantity(_ tag: Int) throws(FIXFieldError) -> Int64 {
        try requiredQuantity(at: index(of: tag) ?? -1, tag: tag)
    }

    @inlinable @inline(__always)
    public func requiredQuantity(at index: Int, tag: Int) throws(FIXFieldError) -> Int64 {
        guard let quantity = try quantity(at: index, tag: tag) else { throw .missing(tag: tag) }
        return quantity
    }
}

/// ExecInst (18): a MultipleValueString of space-separated instructions.
public enum FIXExecInst {
    /// `6` Participate don't initiate: FIX's post-only instruction.
    public static let participateDontInitiate: UInt8 = 0x36

    /// Whether the space-separated `value` lists the one-character `instruction`.
    @inlinable
    public static func contains(_ instruction: UInt8, in value: UnsafeRawBufferPointer) -> Bool {
        var tokenStart = 0
        for index in 0...value.count where index == value.count || value[index] == 0x20 {
            if index - tokenStart == 1, value[tokenStart] == instruction { return true }
            tokenStart = index + 1
        }
        return false
    }

    /// Whether `value` lists `instruction`.
    @inlinable
    public static func contains(_ instruction: UInt8, in value: FIXString) -> Bool {
        value.withBytes { contains(instruction, in: $0) }
    }
}
