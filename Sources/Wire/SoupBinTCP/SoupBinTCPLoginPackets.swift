/// Login Request ('L', client to server): Packet Length 47.
///
/// Offsets from the type byte: Username 1..6, Password 7..16, Requested
/// Session 17..26, Requested Sequence Number 27..46 (numeric ASCII).
public struct SoupBinTCPLoginRequest: Hashable, Sendable {
    /// The Packet Length field's value.
    public static let packetLength = 47
    /// Bytes on the wire, length prefix included.
    public static let encodedByteCount = 2 + packetLength

    public var username: SoupBinTCPUsername
    public var password: SoupBinTCPPassword
    /// Blank asks for the currently active session.
    public var requestedSession: SoupBinTCPSessionName
    /// 1 replays from the start of the session; 0 starts at the next message generated.
    public var requestedSequenceNumber: UInt64

    @inlinable
    public init(
        username: SoupBinTCPUsername, password: SoupBinTCPPassword,
        requestedSession: SoupBinTCPSessionName, requestedSequenceNumber: UInt64
    ) {
        self.username = username
        self.password = password
        self.requestedSession = requestedSession
        self.requestedSequenceNumber = requestedSequenceNumber
    }

    /// Decodes a packet given without its length prefix (type byte first).
    @inlinable
    public init(decoding packet: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkSoupBinTCPLayout(packet, type: .loginRequest, packetLength: Self.packetLength)
        username = SoupBinTCPUsername(rawValue: packet.readUInt64BE(at: 1) >> 16)
        password = SoupBinTCPPassword(storage: SoupBinTCPSessionName(readingFrom: packet, at: 7))
        requestedSession = SoupBinTCPSessionName(readingFrom: packet, at: 17)
        requestedSequenceNumber = try readSoupBinTCPNumeric(
            packet, width: soupBinTCPSequenceNumberWidth, at: 27, name: "Requested Sequence Number")
    }

    /// Writes the whole packet, length prefix first, and returns its size (49).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.encodedByteCount, "a Login Request needs 49 bytes")
        buffer.writeUInt16BE(UInt16(Self.packetLength), at: 0)
        buffer.writeUInt8(SoupBinTCPPacketType.loginRequest.rawValue, at: 2)
        // The username is 6 bytes: write the 4 high ones, then the low 2.
        buffer.writeUInt32BE(UInt32(truncatingIfNeeded: username.rawValue >> 16), at: 3)
        buffer.writeUInt16BE(UInt16(truncatingIfNeeded: username.rawValue), at: 7)
        password.storage.write(to: buffer, at: 9)
        requestedSession.write(to: buffer, at: 19)
        writeSoupBinTCPNumeric(requestedSequenceNumber, width: soupBinTCPSequenceNumberWidth, to: buffer, at: 29)
        return Self.encodedByteCount
    }
}

/// Login Accepted ('A', server to client): Packet Length 31. Session 1..10,
/// Sequence Number 11..30 (numeric ASCII): the number the next Sequenced Data
/// packet will carry implicitly.
public struct SoupBinTCPLoginAccepted: Hashable, Sendable {
    public static let packetLength = 31
    public static let encodedByteCount = 2 + packetLength

    public var session: SoupBinTCPSessionName
    public var nextSequenceNumber: UInt64

    @inlinable
    public init(session: SoupBinTCPSessionName, nextSequenceNumber: UInt64) {
        self.session = session
        self.nextSequenceNumber = nextSequenceNumber
    }

    /// Decodes a packet given without its length prefix (type byte first).
    @inlinable
    public init(decoding packet: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkSoupBinTCPLayout(packet, type: .loginAccepted, packetLength: Self.packetLength)
        session = SoupBinTCPSessionName(readingFrom: packet, at: 1)
        nextSequenceNumber = try readSoupBinTCPNumeric(
            packet, width: soupBinTCPSequenceNumberWidth, at: 11, name: "Sequence Number")
    }

    /// Writes the whole packet, length prefix first, and returns its size (33).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.encodedByteCount, "a Login Accepted needs 33 bytes")
        buffer.writeUInt16BE(UInt16(Self.packetLength), at: 0)
        buffer.writeUInt8(SoupBinTCPPacketType.loginAccepted.rawValue, at: 2)
        session.write(to: buffer, at: 3)
        writeSoupBinTCPNumeric(nextSequenceNumber, width: soupBinTCPSequenceNumberWidth, to: buffer, at: 13)
        return Self.encodedByteCount
    }
}

/// Login Rejected ('J', server to client): Packet Length 2, one reject code.
public struct SoupBinTCPLoginRejected: Hashable, Sendable {
    public static let packetLength = 2
    public static let encodedByteCount = 2 + packetLength

    public var code: SoupBinTCPLoginRejectCode

    @inlinable
    public init(code: SoupBinTCPLoginRejectCode) { self.code = code }

    /// Decodes a packet given without its length prefix (type byte first).
    @inlinable
    public init(decoding packet: UnsafeRawBufferPointer) throws(WireDecodingError) {
        try checkSoupBinTCPLayout(packet, type: .loginRejected, packetLength: Self.packetLength)
        guard let code = SoupBinTCPLoginRejectCode(rawValue: packet.readUInt8(at: 1)) else {
            throw .invalidField(name: "Reject Reason Code", offset: 1)
        }
        self.code = code
    }

    /// Writes the whole packet, length prefix first, and returns its size (4).
    @inlinable @discardableResult
    public func encode(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.encodedByteCount, "a Login Rejected needs 4 bytes")
        buffer.writeUInt16BE(UInt16(Self.packetLength), at: 0)
        buffer.writeUInt8(SoupBinTCPPacketType.loginRejected.rawValue, at: 2)
        buffer.writeUInt8(code.rawValue, at: 3)
        return Self.encodedByteCount
    }
}
