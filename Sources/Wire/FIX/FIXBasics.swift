// Shared vocabulary of the FIX 4.2 / 4.4 codec: protocol versions, tag
// numbers, message types and the field delimiter.

/// The field delimiter of the classic tag=value encoding (SOH).
public let fixSOH: UInt8 = 0x01

/// The FIX version a session speaks, fixed per session at logon.
public enum FIXVersion: UInt8, Sendable, CaseIterable {
    case fix42
    case fix44

    /// The BeginString (8) value, e.g. `FIX.4.2`.
    public var beginString: StaticString {
        switch self {
        case .fix42: "FIX.4.2"
        case .fix44: "FIX.4.4"
        }
    }

    /// The version whose BeginString equals `bytes`, if any.
    @inlinable
    public init?(beginString bytes: UnsafeRawBufferPointer) {
        // "FIX.4.2" / "FIX.4.4": 7 bytes, the last one picks the version.
        guard bytes.count == 7, bytes[0] == 0x46, bytes[1] == 0x49, bytes[2] == 0x58, bytes[3] == 0x2E,
              bytes[4] == 0x34, bytes[5] == 0x2E else { return nil }
        switch bytes[6] {
        case 0x32: self = .fix42
        case 0x34: self = .fix44
        default: return nil
        }
    }
}

/// Tag numbers used by exsim's FIX sessions and application messages.
public enum FIXTag {
    public static let account = 1
    public static let avgPx = 6
    public static let beginSeqNo = 7
    public static let beginString = 8
    public static let bodyLength = 9
    public static let checkSum = 10
    public static let clOrdID = 11
    public static let cumQty = 14
    public static let endSeqNo = 16
    public static let execID = 17
    public static let execInst = 18
    public static let execTransType = 20
    public static let handlInst = 21
    public static let lastPx = 31
    /// LastShares in FIX 4.2, LastQty in FIX 4.4: the same tag.
    public static let lastQty = 32
    public static let msgSeqNum = 34
    public static let msgType = 35
    public static let newSeqNo = 36
    public static let orderID = 37
    public static let orderQty = 38
    public static let ordStatus = 39
    public static let ordType = 40
    public static let origClOrdID = 41
    public static let possDupFlag = 43
    public static let price = 44
    public static let refSeqNum = 45
    public static let senderCompID = 49
    public static let sendingTime = 52
    public static let side = 54
    public static let symbol = 55
    public static let targetCompID = 56
    public static let text = 58
    public static let timeInForce = 59
    public static let transactTime = 60
    public static let possResend = 97
    public static let encryptMethod = 98
    public static let stopPx = 99
    public static let cxlRejReason = 102
    public static let ordRejReason = 103
    public static let heartBtInt = 108
    public static let testReqID = 112
    public static let origSendingTime = 122
    public static let gapFillFlag = 123
    public static let resetSeqNumFlag = 141
    public static let execType = 150
    public static let leavesQty = 151
    public static let refTagID = 371
    public static let refMsgType = 372
    public static let sessionRejectReason = 373
    public static let businessRejectRefID = 379
    public static let businessRejectReason = 380
    public static let cxlRejResponseTo = 434
    public static let noPartyIDs = 453
    public static let partyID = 448
    public static let partyIDSource = 447
    public static let partyRole = 452
    public static let username = 553
    public static let password = 554
    public static let nextExpectedMsgSeqNum = 789
}

/// A MsgType (35) value of one or two ASCII characters, packed so that
/// comparing message types never touches a String.
public struct FIXMsgType: Hashable, Sendable, CustomStringConvertible {
    /// First character in the high byte; a one-character type has a zero low byte.
    public var rawValue: UInt16

    @inlinable
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    @inlinable
    public init(_ first: UInt8, _ second: UInt8 = 0) { rawValue = UInt16(first) << 8 | UInt16(second) }

    /// The type whose wire text is `bytes`; nil unless it is one or two bytes long.
    @inlinable
    public init?(bytes: UnsafeRawBufferPointer) {
        switch bytes.count {
        case 1: self.init(bytes[0])
        case 2: self.init(bytes[0], bytes[1])
        default: return nil
        }
    }

    @inlinable public var first: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 8) }
    @inlinable public var second: UInt8 { UInt8(truncatingIfNeeded: rawValue) }
    @inlinable public var byteCount: Int { second == 0 ? 1 : 2 }

    public static let heartbeat = FIXMsgType(0x30)
    public static let testRequest = FIXMsgType(0x31)
    public static let resendRequest = FIXMsgType(0x32)
    public static let reject = FIXMsgType(0x33)
    public static let sequenceReset = FIXMsgType(0x34)
    public static let logout = FIXMsgType(0x35)
    public static let executionReport = FIXMsgType(0x38)
    public static let orderCancelReject = FIXMsgType(0x39)
    public static let logon = FIXMsgType(0x41)
    public static let newOrderSingle = FIXMsgType(0x44)
    public static let orderCancelRequest = FIXMsgType(0x46)
    public static let orderCancelReplaceRequest = FIXMsgType(0x47)
    public static let businessMessageReject = FIXMsgType(0x6A)

    /// Session-level (administrative) messages; a ResendRequest answers
    /// them with SequenceReset-GapFill instead of resending them.
    @inlinable
    public var isAdmin: Bool {
        second == 0 && (first >= 0x30 && first <= 0x35 || first == 0x41)
    }

    /// Whether the FIX data dictionary of `version` defines this MsgType at
    /// all (a type it does not define gets Reject 373=11; a defined type the
    /// application does not handle gets BusinessMessageReject 380=3).
    public func isDefined(in version: FIXVersion) -> Bool {
        let c = first
        if second == 0 {
            // FIX 4.2 uses 0-9, A-Z and a-s; FIX 4.4 adds t-z.
            switch c {
            case 0x30...0x39: return true
            case 0x41...0x5A: return true
            case 0x61...0x73: return true
            case 0x74...0x7A: return version == .fix44
            default: return false
            }
        }
        // FIX 4.4 defines the two-character types AA..AZ and BA..BH.
        guard version == .fix44 else { return false }
        switch (c, second) {
        case (0x41, 0x41...0x5A): return true
        case (0x42, 0x41...0x48): return true
        default: return false
        }
    }

    public var description: String {
        byteCount == 1 ? String(UnicodeScalar(first)) : String(UnicodeScalar(first)) + String(UnicodeScalar(second))
    }
}
