/// The trading protocols the dissector extracts from a capture.
public enum CapturedProtocol: String, Sendable, CaseIterable, Codable {
    /// MoldUDP64 datagrams carrying TotalView-ITCH 5.0.
    case moldUDP64 = "moldudp64"
    /// SoupBinTCP 3.0; its sequenced data is OUCH 4.2 or ITCH 5.0, told apart
    /// by message lengths, OUCH where both fit.
    case soupBinTCP = "soupbintcp"
    /// SoupBinTCP 3.0 whose sequenced data is ITCH 5.0 (a TCP feed).
    case soupBinTCPITCH = "soupbintcp-itch"
    /// FIX 4.x / FIXT over TCP.
    case fix = "fix"

    public var displayName: String {
        switch self {
        case .moldUDP64: "MoldUDP64/ITCH"
        case .soupBinTCP: "SoupBinTCP"
        case .soupBinTCPITCH: "SoupBinTCP/ITCH"
        case .fix: "FIX"
        }
    }

    var isTCP: Bool { self != .moldUDP64 }
}

/// Which protocol a port carries: from the user (`--port 26477=moldudp64`)
/// or a scenario's defaults. A flow whose ports are not in the map is
/// recognised by its framing.
public struct CapturePortMap: Sendable {
    public var protocols: [UInt16: CapturedProtocol] = [:]

    public init(_ protocols: [UInt16: CapturedProtocol] = [:]) {
        self.protocols = protocols
    }

    public subscript(port: UInt16) -> CapturedProtocol? {
        get { protocols[port] }
        set { protocols[port] = newValue }
    }

    /// Parses `PORT=PROTOCOL`; nil with the reason when it is not one.
    public static func parseEntry(_ text: String) -> Result<(UInt16, CapturedProtocol), CapturePortMapError> {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let port = UInt16(parts[0]), port > 0 else {
            return .failure(CapturePortMapError(entry: text, reason: "expected PORT=PROTOCOL with a port from 1 to 65535"))
        }
        guard let value = CapturedProtocol(rawValue: parts[1].lowercased()) else {
            let accepted = CapturedProtocol.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(CapturePortMapError(entry: text, reason: "unknown protocol '\(parts[1])'; expected one of \(accepted)"))
        }
        return .success((port, value))
    }
}

public struct CapturePortMapError: Error, CustomStringConvertible, Sendable {
    public var entry: String
    public var reason: String
    public var description: String { "--port \(entry): \(reason)" }
}
