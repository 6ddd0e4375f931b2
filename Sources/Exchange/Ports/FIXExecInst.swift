// ExecInst (18) = 6 "Participate don't initiate", FIX's post-only flag.
//
// The Wire module's `FIXNewOrderSingle` neither decodes nor encodes
// ExecInst (the dictionary admits the tag, so a message carrying it is
// accepted and the field is dropped). Until it does, the port reads the flag
// from its own framing of the same bytes, and the client adds the field to
// the encoded message. Both drop out once `FIXNewOrderSingle` carries
// ExecInst.

import Wire

/// Venue side: remembers which NewOrderSingle messages, by MsgSeqNum, asked
/// for post-only, by framing the inbound stream alongside the session.
///
/// Invariant: at most `capacity` entries, in arrival order.
struct FIXExecInstReader {
    private var framer: FIXFramer
    private var parser = FIXParser()
    private var scratch: [UInt8] = []
    /// MsgSeqNums of post-only NewOrderSingles not yet delivered by the session.
    private var postOnlyMsgSeqNums: [Int64] = []
    /// Matches the session's inbound queue: nothing older than it can still be delivered.
    let capacity: Int

    init(maximumMessageBytes: Int, capacity: Int) {
        precondition(capacity > 0)
        framer = FIXFramer(maximumMessageBytes: maximumMessageBytes)
        self.capacity = capacity
    }

    /// Reads the stream bytes the session is about to receive.
    mutating func scan(_ chunk: UnsafeRawBufferPointer) {
        framer.append(chunk)
        // Bounded by the chunk: every frame consumes at least one byte.
        while let frame = framer.nextFrame() {
            guard case .message(let range) = frame else { continue }
            framer.copyFrame(range, into: &scratch)
            var parser = self.parser
            let found: (msgSeqNum: Int64, postOnly: Bool)? = scratch.withUnsafeBytes { bytes in
                guard let view = try? parser.parse(bytes), view.msgType == .newOrderSingle,
                      let msgSeqNum = try? view.integer(FIXTag.msgSeqNum) else { return nil }
                return (msgSeqNum, view.value(of: FIXTag.execInst).map(Self.participateDontInitiate) ?? false)
            }
            self.parser = parser
            guard let found else { continue }
            postOnlyMsgSeqNums.removeAll { $0 == found.msgSeqNum }
            if found.postOnly {
                if postOnlyMsgSeqNums.count == capacity { postOnlyMsgSeqNums.removeFirst() }
                postOnlyMsgSeqNums.append(found.msgSeqNum)
            }
        }
        precondition(postOnlyMsgSeqNums.count <= capacity)
    }

    /// Whether the NewOrderSingle the session delivered as `msgSeqNum` is post-only.
    mutating func takePostOnly(msgSeqNum: Int64) -> Bool {
        guard let index = postOnlyMsgSeqNums.firstIndex(of: msgSeqNum) else { return false }
        postOnlyMsgSeqNums.remove(at: index)
        return true
    }

    /// Forgets messages the session will never deliver now (ignored or rejected).
    mutating func forget(below nextExpectedMsgSeqNum: Int64) {
        postOnlyMsgSeqNums.removeAll { $0 < nextExpectedMsgSeqNum }
    }

    /// ExecInst is a MultipleValueString: space-separated values, any of which may be 6.
    static func participateDontInitiate(_ value: UnsafeRawBufferPointer) -> Bool {
        var tokenStart = 0
        for index in 0...value.count {
            if index == value.count || value[index] == 0x20 {
                if index - tokenStart == 1, value[tokenStart] == 0x36 { return true }
                tokenStart = index + 1
            }
        }
        return false
    }
}

extension FIXTag {
    /// ExecInst (18).
    static let execInst = 18
}

/// Participant side: adds `18=6` to an encoded NewOrderSingle, re-framing it
/// (BodyLength, CheckSum).
struct FIXExecInstWriter {
    private var parser = FIXParser()
    private var writer = FIXMessageWriter()

    /// The message with ExecInst=6 after its last body field; the message
    /// unchanged if it does not parse (it was written by our own session).
    mutating func addingParticipateDontInitiate(to message: [UInt8], version: FIXVersion) -> [UInt8] {
        var parser = self.parser
        defer { self.parser = parser }
        return message.withUnsafeBytes { bytes -> [UInt8] in
            guard let view = try? parser.parse(bytes) else { return message }
            let afterMsgType = Int(view.field(at: 2).valueEnd) + 1
            let trailerStart = Int(view.field(at: view.fieldCount - 1).valueStart) - 3
            writer.startMessage(view.msgType)
            writer.appendEncodedFields(UnsafeRawBufferPointer(rebasing: bytes[afterMsgType..<trailerStart]))
            writer.append(tag: FIXTag.execInst, character: 0x36)
            writer.finish(version)
            return Array(writer.messageBytes)
        }
    }
}
