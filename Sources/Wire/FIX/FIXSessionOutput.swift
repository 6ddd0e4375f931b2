// Where a FIX session puts what one input produced, for drivers that reuse
// one buffer instead of receiving a fresh array of actions per input.

/// The output of `FIXSession`'s allocation-free entry points: the framed
/// messages to write, back to back in `bytes`, and every other action in
/// order. Writing all of `bytes` before acting on `actions` is always
/// correct: the session has already numbered and framed the messages, and a
/// disconnect closes only after them.
///
/// A driver empties it with `removeAll()` once carried out; its arrays keep
/// their capacity, so that a steady flow of messages allocates nothing.
public struct FIXSessionOutput {
    /// Framed messages to write, in order.
    public var bytes: [UInt8] = []
    /// Where each message in `bytes` starts.
    public var messageStarts: [Int] = []
    /// Actions other than `.send`, in order.
    public var actions: [FIXSession.Action] = []
    /// For each action, how many messages preceded it (to rebuild the
    /// interleaved order of the array API).
    @usableFromInline var messagesBeforeAction: [Int] = []

    public init() {}

    public var isEmpty: Bool { messageStarts.isEmpty && actions.isEmpty }
    public var messageCount: Int { messageStarts.count }

    /// The byte range of message `index` in `bytes`.
    public func messageRange(_ index: Int) -> Range<Int> {
        messageStarts[index]..<(index + 1 < messageStarts.count ? messageStarts[index + 1] : bytes.count)
    }

    /// Empties the output, keeping its capacity.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        messageStarts.removeAll(keepingCapacity: true)
        actions.removeAll(keepingCapacity: true)
        messagesBeforeAction.removeAll(keepingCapacity: true)
    }

    @inlinable
    mutating func appendMessage(_ message: UnsafeRawBufferPointer) {
        messageStarts.append(bytes.count)
        bytes.append(contentsOf: message)
    }

    @inlinable
    mutating func append(_ action: FIXSession.Action) {
        actions.append(action)
        messagesBeforeAction.append(messageStarts.count)
    }

    /// Everything as one array, `.send` interleaved with the other actions
    /// in the order the session produced them.
    public var interleavedActions: [FIXSession.Action] {
        var result: [FIXSession.Action] = []
        result.reserveCapacity(messageStarts.count + actions.count)
        var nextMessage = 0
        for (index, action) in actions.enumerated() {
            while nextMessage < messagesBeforeAction[index] {
                result.append(.send(Array(bytes[messageRange(nextMessage)])))
                nextMessage += 1
            }
            result.append(action)
        }
        while nextMessage < messageStarts.count {
            result.append(.send(Array(bytes[messageRange(nextMessage)])))
            nextMessage += 1
        }
        return result
    }
}
