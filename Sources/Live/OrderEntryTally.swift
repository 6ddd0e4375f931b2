/// Counts of what a venue answered on order entry, read off the messages
/// its ports wrote (OUCH 4.2 in SoupBinTCP Sequenced Data; FIX
/// ExecutionReports by ExecType). Measurement only: nothing is decided here.
public struct OrderEntryTally: Codable, Hashable, Sendable {
    /// Orders acknowledged: OUCH Accepted, FIX ExecType 0 (New).
    public var accepted: UInt64 = 0
    /// OUCH Rejected, FIX ExecType 8.
    public var rejected: UInt64 = 0
    /// Fills: OUCH Executed, FIX ExecType 1, 2 (4.2) or F (4.4).
    public var executions: UInt64 = 0
    /// OUCH Canceled, FIX ExecType 4.
    public var canceled: UInt64 = 0
    /// OUCH Replaced, FIX ExecType 5.
    public var replaced: UInt64 = 0

    public init() {}

    /// One whole SoupBinTCP packet written by an OUCH port. Returns
    /// whether it acknowledges an order: Accepted, Rejected or Replaced
    /// (the answer to an Enter or Replace Order; a Canceled may be
    /// unsolicited, so cancels are not counted as acknowledgements).
    @discardableResult
    mutating func countSoupBinTCPPacket(_ packet: ArraySlice<UInt8>) -> Bool {
        // SoupBinTCP 3.00: u16 length, type; Sequenced Data ('S') carries the OUCH message.
        guard packet.count >= 4, packet[packet.startIndex + 2] == UInt8(ascii: "S") else { return false }
        switch packet[packet.startIndex + 3] {
        case UInt8(ascii: "A"): accepted += 1; return true
        case UInt8(ascii: "J"): rejected += 1; return true
        case UInt8(ascii: "E"), UInt8(ascii: "G"): executions += 1
        case UInt8(ascii: "C"): canceled += 1
        case UInt8(ascii: "U"): replaced += 1; return true
        default: break
        }
        return false
    }

    /// One whole FIX message written by a FIX port. Returns whether it
    /// acknowledges an order: an ExecutionReport with ExecType New,
    /// Rejected or Replaced.
    @discardableResult
    mutating func countFIXMessage(_ message: ArraySlice<UInt8>) -> Bool {
        guard let msgType = Self.value(of: Self.msgTypeField, in: message), msgType.count == 1,
              msgType.first == UInt8(ascii: "8"),
              let execType = Self.value(of: Self.execTypeField, in: message)?.first else { return false }
        switch execType {
        case UInt8(ascii: "0"): accepted += 1; return true
        case UInt8(ascii: "8"): rejected += 1; return true
        case UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "F"): executions += 1
        case UInt8(ascii: "4"): canceled += 1
        case UInt8(ascii: "5"): replaced += 1; return true
        default: break
        }
        return false
    }

    /// `<SOH>35=` and `<SOH>150=`, built once: counting allocates nothing per message.
    static let msgTypeField: [UInt8] = [0x01] + Array("35=".utf8)
    static let execTypeField: [UInt8] = [0x01] + Array("150=".utf8)

    /// The value of the first field after the BeginString that starts with
    /// `pattern` (`<SOH>tag=`).
    static func value(of pattern: [UInt8], in message: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var index = message.startIndex
        while index + pattern.count <= message.endIndex {
            if message[index..<(index + pattern.count)].elementsEqual(pattern) {
                let start = index + pattern.count
                let end = message[start...].firstIndex(of: 0x01) ?? message.endIndex
                return message[start..<end]
            }
            index += 1
        }
        return nil
    }
}
