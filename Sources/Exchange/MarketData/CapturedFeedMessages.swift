/// ITCH messages in order, each with the time it applies at: simulated
/// nanoseconds in `exsim run`, nanoseconds since the server started in
/// `exsim serve`. One flat byte array, so that a capture of millions of
/// messages is a few allocations.
public struct CapturedFeedMessages: Hashable, Sendable {
    public private(set) var bytes: [UInt8] = []
    /// The end of each message in `bytes`; message i starts where i − 1 ends.
    public private(set) var ends: [Int] = []
    /// When each message applies; never decreasing.
    public private(set) var timesNs: [Int64] = []

    public init() {}

    public var count: Int { ends.count }

    /// Appends a message applying at `atNs`, not before the last one's time.
    public mutating func append(_ message: UnsafeRawBufferPointer, atNs: Int64) {
        precondition(atNs >= (timesNs.last ?? 0), "captured messages apply in time order")
        bytes.append(contentsOf: message)
        ends.append(bytes.count)
        timesNs.append(atNs)
    }

    /// Calls `body` with message `index`'s bytes.
    public func withMessage<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = index == 0 ? 0 : ends[index - 1]
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[index]])) }
    }
}
