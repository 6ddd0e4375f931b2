// The application messages exsim exchanges over a FIX session, as one value
// type, and the data dictionary that decides Reject 373=2 / 373=14.

/// One of the application messages exsim speaks.
public enum FIXApplicationMessage: Equatable, Sendable {
    case newOrderSingle(FIXNewOrderSingle)
    case orderCancelRequest(FIXOrderCancelRequest)
    case orderCancelReplaceRequest(FIXOrderCancelReplaceRequest)
    case executionReport(FIXExecutionReport)
    case orderCancelReject(FIXOrderCancelReject)
    case businessMessageReject(FIXBusinessMessageReject)

    /// The message types a participant sends and a venue handles.
    public static let venueBoundTypes: [FIXMsgType] = [.newOrderSingle, .orderCancelRequest, .orderCancelReplaceRequest]
    /// The message types a venue sends and a participant handles.
    public static let participantBoundTypes: [FIXMsgType] = [.executionReport, .orderCancelReject, .businessMessageReject]

    public var msgType: FIXMsgType {
        switch self {
        case .newOrderSingle: FIXNewOrderSingle.msgType
        case .orderCancelRequest: FIXOrderCancelRequest.msgType
        case .orderCancelReplaceRequest: FIXOrderCancelReplaceRequest.msgType
        case .executionReport: FIXExecutionReport.msgType
        case .orderCancelReject: FIXOrderCancelReject.msgType
        case .businessMessageReject: FIXBusinessMessageReject.msgType
        }
    }

    /// Appends the body fields after the standard header.
    @inlinable
    public func encodeBody(into writer: inout FIXMessageWriter, version: FIXVersion, priceDecimals: Int) {
        switch self {
        case .newOrderSingle(let message): message.encodeBody(into: &writer, version: version, priceDecimals: priceDecimals)
        case .orderCancelRequest(let message): message.encodeBody(into: &writer, version: version, priceDecimals: priceDecimals)
        case .orderCancelReplaceRequest(let message):
            message.encodeBody(into: &writer, version: version, priceDecimals: priceDecimals)
        case .executionReport(let message): message.encodeBody(into: &writer, version: version, priceDecimals: priceDecimals)
        case .orderCancelReject(let message): message.encodeBody(into: &writer, version: version, priceDecimals: priceDecimals)
        case .businessMessageReject(let message):
            message.encodeBody(into: &writer, version: version, priceDecimals: priceDecimals)
        }
    }

    /// Decodes the body of `view` by its MsgType; nil if the type is not one
    /// of the six. Checks tags against the dictionary first.
    @inlinable
    public static func decode(
        _ view: FIXMessageView, version: FIXVersion, priceDecimals: Int
    ) throws(FIXFieldError) -> FIXApplicationMessage? {
        let type = view.msgType
        guard FIXDictionary.isApplicationType(type) else { return nil }
        try FIXDictionary.validateFieldPlacement(view, version: version)
        switch type {
        case .newOrderSingle:
            return .newOrderSingle(try FIXNewOrderSingle(decoding: view, version: version, priceDecimals: priceDecimals))
        case .orderCancelRequest:
            return .orderCancelRequest(try FIXOrderCancelRequest(decoding: view, version: version, priceDecimals: priceDecimals))
        case .orderCancelReplaceRequest:
            return .orderCancelReplaceRequest(
                try FIXOrderCancelReplaceRequest(decoding: view, version: version, priceDecimals: priceDecimals))
        case .executionReport:
            return .executionReport(try FIXExecutionReport(decoding: view, version: version, priceDecimals: priceDecimals))
        case .orderCancelReject:
            return .orderCancelReject(try FIXOrderCancelReject(decoding: view, version: version, priceDecimals: priceDecimals))
        default:
            return .businessMessageReject(
                try FIXBusinessMessageReject(decoding: view, version: version, priceDecimals: priceDecimals))
        }
    }
}

/// Which tags belong where: the standard header and trailer, and the body
/// of each message type exsim decodes (FIX 4.2 / 4.4 field lists, widened to
/// fields a venue may receive and ignore). User-defined tags (5000-9999,
/// 20000 and up) are always allowed.
public enum FIXDictionary {
    /// Standard header fields (including the hop group of 4.4) and trailer fields.
    @inlinable
    public static func isHeaderOrTrailerTag(_ tag: Int) -> Bool {
        switch tag {
        case 8, 9, 35, 49, 56, 115, 128, 90, 91, 34, 50, 142, 57, 143, 116, 144, 129, 145, 43, 97, 52, 122, 212,
             213, 347, 369, 627, 628, 629, 630, 93, 89, 10:
            return true
        default:
            return false
        }
    }

    @inlinable
    public static func isApplicationType(_ type: FIXMsgType) -> Bool {
        switch type {
        case .newOrderSingle, .orderCancelRequest, .orderCancelReplaceRequest, .executionReport, .orderCancelReject,
             .businessMessageReject:
            return true
        default:
            return false
        }
    }

    @inlinable
    static func isUserDefined(_ tag: Int) -> Bool { (5000...9999).contains(tag) || tag >= 20000 }

    /// Body fields of the order messages D, F, G and the parts of 8 and 9 that echo them.
    @inlinable
    static func isOrderTag(_ tag: Int) -> Bool {
        switch tag {
        case 1, 11, 15, 18, 21, 22, 23, 37, 38, 40, 41, 44, 47, 48, 54, 55, 58, 59, 60, 63, 64, 65, 66, 76, 77, 78,
             79, 80, 81, 99, 100, 106, 107, 109, 110, 111, 114, 117, 120, 121, 126, 140, 152, 167, 168, 200, 201, 202,
             205, 206, 207, 210, 211, 223, 231, 336, 354, 355, 386, 388, 389, 427, 432, 447, 448, 452, 453, 460, 461,
             523, 526, 528, 529, 544, 581, 582, 583, 584, 589, 590, 591, 625, 635, 660, 661, 662, 663, 1028, 1029:
            return true
        default:
            return false
        }
    }

    /// Whether `tag` may appear in the body of `type`.
    @inlinable
    public static func isBodyTag(_ tag: Int, of type: FIXMsgType, version: FIXVersion) -> Bool {
        if isUserDefined(tag) { return true }
        switch type {
        case .newOrderSingle, .orderCancelRequest, .orderCancelReplaceRequest:
            return isOrderTag(tag)
        case .executionReport:
            switch tag {
            case 6, 12, 13, 14, 17, 19, 20, 26, 29, 30, 31, 32, 39, 42, 75, 102, 103, 113, 119, 150, 151, 155, 156,
                 157, 158, 159, 198, 337, 375, 378, 424, 425, 426, 437, 438, 439, 440, 442, 527, 851, 1057:
                return true
            default:
                return isOrderTag(tag)
            }
        case .orderCancelReject:
            switch tag {
            case 1, 11, 37, 39, 41, 58, 60, 66, 76, 102, 109, 113, 198, 354, 355, 434, 526, 660, 581:
                return true
            default:
                return false
            }
        case .businessMessageReject:
            switch tag {
            case 45, 58, 354, 355, 372, 379, 380:
                return true
            default:
                return false
            }
        default:
            return true
        }
    }

    /// Reject 373=2 for a tag foreign to the message type, 373=14 for a
    /// header field after the body, 373=16 for a Parties (453) count that
    /// does not match its entries.
    @inlinable
    public static func validateFieldPlacement(_ view: FIXMessageView, version: FIXVersion) throws(FIXFieldError) {
        let type = view.msgType
        var sawBody = false
        var partyEntries = 0
        var noPartyIDsIndex = -1
        // The trailer (10) is the last field and not part of the check.
        for index in 0..<(view.fieldCount - 1) {
            let tag = Int(view.fields[index].tag)
            if isHeaderOrTrailerTag(tag) {
                if sawBody { throw .headerFieldInBody(tag: tag) }
                continue
            }
            sawBody = true
            guard isBodyTag(tag, of: type, version: version) else { throw .notDefinedForMsgType(tag: tag) }
            if tag == FIXTag.partyID { partyEntries += 1 }
            if tag == FIXTag.noPartyIDs, noPartyIDsIndex < 0 { noPartyIDsIndex = index }
        }
        if let declared = try view.integer(at: noPartyIDsIndex, tag: FIXTag.noPartyIDs) {
            guard declared == Int64(partyEntries) else { throw .groupCountMismatch(tag: FIXTag.noPartyIDs) }
        } else if partyEntries > 0 {
            throw .groupCountMismatch(tag: FIXTag.noPartyIDs)
        }
    }
}
