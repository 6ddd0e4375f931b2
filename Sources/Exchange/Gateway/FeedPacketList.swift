import Wire

/// The MoldUDP64 packets one gateway input produced, in order. Each packet
/// is its own `[UInt8]`, as a driver hands them to a socket or a capture,
/// but the arrays are kept across inputs and refilled: a packet is copied
/// once from the publisher's open packet and nothing is allocated once the
/// buffers are warm. A driver that keeps a packet after `removeAll` holds a
/// copy-on-write share, so refilling never changes what it kept.
public struct FeedPacketList: RandomAccessCollection, Sendable {
    /// Buffers, of which the first `count` hold this input's packets.
    var buffers: [[UInt8]] = []
    public private(set) var count = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> [UInt8] {
        precondition(position >= 0 && position < count, "feed packet \(position) out of range")
        return buffers[position]
    }

    /// Appends a copy of `packet`, refilling a kept buffer when there is one.
    mutating func append(_ packet: UnsafeRawBufferPointer) {
        if count == buffers.count {
            buffers.append(Array(packet))
        } else {
            // One replacement, not an emptying and an append: each is a
            // pass through `replaceSubrange`.
            buffers[count].replaceSubrange(0..<buffers[count].count, with: packet)
        }
        count += 1
    }

    /// Forgets the packets, keeping their buffers for the next input.
    mutating func removeAll() { count = 0 }
}
