#!/usr/bin/env python3
"""Dissect an `exsim run --capture` pcap with tshark and PyPI `itchfeed`,
independently of exsim's own decoders, and print a JSON summary:

- frames, and frames tshark marks malformed or with an expert item of
  warning severity or worse;
- FIX messages by MsgType and how many carry a bad checksum;
- SoupBinTCP packets by type and OUCH messages by type;
- MoldUDP64 messages, and whether each session's sequence numbers are
  contiguous;
- the ITCH 5.0 messages of the feed, extracted from tshark's MoldUDP64
  message data and decoded by itchfeed, by message type.

Ports follow exsim's capture layout: SoupBinTCP on TCP 15000, FIX found by
tshark's heuristic, MoldUDP64 on UDP 26477.

Usage: capture_check.py PCAP
"""
import collections
import json
import os
import subprocess
import sys
import tempfile

os.environ.setdefault("ITCH_NO_CPP", "1")
from itch.parser import MessageParser  # noqa: E402

DECODE_AS = ["-d", "tcp.port==15000,soupbintcp", "-d", "udp.port==26477,moldudp64"]


def tshark_fields(pcap, fields, display_filter=None):
    command = ["tshark", "-r", pcap, *DECODE_AS, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
    if display_filter:
        command += ["-Y", display_filter]
    for field in fields:
        command += ["-e", field]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in output.splitlines():
        columns = line.split("\t")
        columns += [""] * (len(fields) - len(columns))
        rows.append([[value for value in column.split("|") if value != ""] for column in columns])
    return rows


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    pcap = sys.argv[1]
    summary = {}

    frames = tshark_fields(pcap, ["frame.number"])
    summary["frames"] = len(frames)
    summary["malformedOrWarnings"] = len(tshark_fields(
        pcap, ["frame.number"], "_ws.malformed || _ws.expert.severity >= warning"))

    fix_types = collections.Counter()
    fix_bad_checksums = 0
    soup_types = collections.Counter()
    ouch_types = collections.Counter()
    mold_messages = 0
    mold_sequences = collections.defaultdict(list)
    # One ITCH stream per MoldUDP64 session: itchfeed stops reading a file at
    # the end-of-messages event, which each venue's feed sends.
    itch_streams = collections.defaultdict(bytearray)
    rows = tshark_fields(pcap, [
        "fix.MsgType", "fix.checksum_good", "soupbintcp.packet_type", "ouch.packet_type",
        "moldudp64.session", "moldudp64.sequence", "moldudp64.count", "moldudp64.msgdata",
    ])
    for fix, checksum, soup, ouch, session, sequence, count, data in rows:
        fix_types.update(fix)
        fix_bad_checksums += sum(1 for value in checksum if value in ("0", "False"))
        soup_types.update(value.strip("'") for value in soup)
        ouch_types.update(value.strip("'") for value in ouch)
        for packet_session, packet_sequence, packet_count in zip(session, sequence, count):
            packet_count = int(packet_count)
            if 0 < packet_count < 0xFFFF:
                mold_messages += packet_count
                mold_sequences[packet_session].append((int(packet_sequence), packet_count))
        for message in data:
            raw = bytes.fromhex(message.replace(":", ""))
            itch_streams[session[0]] += len(raw).to_bytes(2, "big") + raw

    contiguous = True
    for packets in mold_sequences.values():
        expected = packets[0][0]
        for first, count in packets:
            contiguous = contiguous and first == expected
            expected = first + count
    summary["fix"] = dict(sorted(fix_types.items()))
    summary["fixMessages"] = sum(fix_types.values())
    summary["fixBadChecksums"] = fix_bad_checksums
    summary["soupbintcp"] = dict(sorted(soup_types.items()))
    summary["soupbintcpPackets"] = sum(soup_types.values())
    summary["ouch"] = dict(sorted(ouch_types.items()))
    summary["moldudp64Messages"] = mold_messages
    summary["moldudp64Sessions"] = len(mold_sequences)
    summary["moldudp64Contiguous"] = contiguous

    itch_types = collections.Counter()
    for session in sorted(itch_streams):
        with tempfile.NamedTemporaryFile(suffix=".itch") as handle:
            handle.write(itch_streams[session])
            handle.flush()
            parser = MessageParser()
            with open(handle.name, "rb") as stream:
                for message in parser.parse_file(stream):
                    itch_types[message.message_type.decode()] += 1
    summary["itch"] = dict(sorted(itch_types.items()))
    summary["itchMessages"] = sum(itch_types.values())
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
