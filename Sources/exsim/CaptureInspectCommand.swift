import ArgumentParser
import Capture
import Foundation

/// `exsim capture inspect FILE`: what a capture holds.
struct CaptureInspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise a capture: flows, protocols, message counts by type, peak rates, MoldUDP64 gaps, session boundaries.",
        discussion: """
            Prints the packets by kind (UDP, TCP, other, IP fragments and the datagrams put back \
            together from them, truncated by the snap length), one line per flow with its protocol and TCP reassembly figures \
            (retransmissions, out-of-order segments, holes: bytes the capture lost, which are \
            never filled in), the messages by protocol and type, the peak message and packet \
            rates per millisecond and per second, each MoldUDP64 session's sequence range, gaps \
            and duplicates, and each connection's SoupBinTCP or FIX session boundaries. \
            --json writes all of it as JSON, with up to 64 session events per flow. \
            Exits 64 on a missing, unreadable, truncated or corrupt file.
            """
    )

    @Argument(help: "A .pcap, .pcapng, .pcap.zst or .pcapng.zst file.")
    var file: String

    @OptionGroup var portOptions: CapturePortOptions

    @Option(help: "Also write the inspection as JSON to this file.")
    var json: String?

    @Option(help: "Session events printed per flow (--json keeps up to 64).")
    var eventsPerFlow = 8

    func run() throws {
        let portMap = try portOptions.portMap()
        let reader = try openCapture(file)
        let dissector = CaptureDissector(linkType: reader.linkType, portMap: portMap, sink: DiscardingMessageSink())
        try dissectAll(reader, into: dissector)
        let inspection = dissector.finish()
        print(describeCapture(reader))
        printInspection(inspection)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try encoder.encode(inspection).write(to: URL(fileURLWithPath: json))
            } catch {
                printError("cannot write \(json): \(error.localizedDescription)")
                throw ExsimExit.badInput
            }
            print("json: \(json)")
        }
    }

    func printInspection(_ inspection: CaptureInspection) {
        var span = ""
        if let first = inspection.firstTimestampNs, let last = inspection.lastTimestampNs {
            span = " from \(formatCaptureTime(first)) to \(formatCaptureTime(last)) UTC (\(String(format: "%.6f", Double(last - first) / 1e9)) s)"
        }
        print("packets: \(inspection.packets), \(formatByteCount(inspection.capturedBytes)) captured\(span)")
        let kinds = inspection.packetKinds
        print("  udp \(kinds.udp) · tcp \(kinds.tcp) · other IP \(kinds.otherIP) · not IP \(kinds.notIP) · IP fragments \(kinds.ipFragments) (datagrams reassembled \(kinds.reassembledDatagrams), incomplete \(kinds.incompleteDatagrams)) · truncated \(kinds.truncated) · malformed \(kinds.malformed) · payload cut by snap length \(kinds.payloadTruncated) · VLAN-tagged \(kinds.vlanTagged)")
        if kinds.unknownLinkType > 0 { print("  \(kinds.unknownLinkType) packets of a link type exsim does not decode") }
        if inspection.untrackedFlowPackets > 0 { print("  \(inspection.untrackedFlowPackets) packets of flows beyond the \(CaptureDissector<DiscardingMessageSink>.maximumFlows) followed") }

        print("")
        print("| flow | transport | client → server | protocol | by | packets | payload bytes | messages | retransmitted | out of order | holes (bytes missing) |")
        print("|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|")
        for (index, flow) in inspection.flows.enumerated() {
            let tcp = flow.tcp.map { ["\($0.retransmittedSegments)", "\($0.outOfOrderSegments)", "\($0.holes) (\($0.missingBytes))"] } ?? ["", "", ""]
            print("| \(index + 1) | \(flow.transport) | \(flow.client) → \(flow.server) | \(flow.protocolName ?? "not recognised") | \(flow.chosenBy ?? "") | \(flow.packets) | \(flow.payloadBytes) | \(flow.messages) | \(tcp.joined(separator: " | ")) |")
        }

        print("")
        print("messages: \(inspection.messageCount); peak \(inspection.peakMessagesPerMillisecond)/ms, \(inspection.peakMessagesPerSecond)/s (packets: peak \(inspection.peakPacketsPerMillisecond)/ms, \(inspection.peakPacketsPerSecond)/s)")
        if !inspection.messages.isEmpty {
            print("| protocol | type | count |")
            print("|---|---|---:|")
            for entry in inspection.messages { print("| \(entry.family) | \(entry.type) | \(entry.count) |") }
        }

        if !inspection.moldUDP64Sessions.isEmpty {
            print("")
            print("| MoldUDP64 session | packets | messages | first sequence | next sequence | gaps | messages missing | duplicates | heartbeats | end of session |")
            print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
            for session in inspection.moldUDP64Sessions {
                print("| \(session.session) | \(session.packets) | \(session.messages) | \(session.firstSequence) | \(session.nextSequence) | \(session.gapCount) | \(session.missingMessages) | \(session.duplicateMessages) | \(session.heartbeats) | \(session.endOfSession ? "yes" : "no") |")
                for gap in session.gaps { print("  gap in \(session.session): sequence \(gap.from)…\(gap.to) missing") }
                if session.gapCount > session.gaps.count { print("  … \(session.gapCount - session.gaps.count) more gaps") }
            }
        }

        let withEvents = inspection.flows.enumerated().filter { !$0.element.sessionEvents.isEmpty || !$0.element.framingErrors.isEmpty }
        if !withEvents.isEmpty {
            print("")
            print("session boundaries:")
            for (index, flow) in withEvents {
                print("flow \(index + 1) \(flow.client) → \(flow.server) (\(flow.protocolName ?? "not recognised")):")
                for event in flow.sessionEvents.prefix(max(0, eventsPerFlow)) {
                    print("  \(formatCaptureTime(event.timestampNs))  \(event.event)")
                }
                let hidden = flow.sessionEvents.count - max(0, eventsPerFlow) + flow.sessionEventsNotKept
                if hidden > 0 { print("  … \(hidden) more events") }
                for error in flow.framingErrors { print("  framing error: \(error)") }
            }
        }
    }
}
