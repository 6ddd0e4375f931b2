#!/usr/bin/env python3
"""Re-send the client side of the OUCH order entry in a capture that
`exsim run --capture` wrote to a venue served by `exsim serve`, over one
TCP connection, and wait until the venue has carried all of it out.

The capture holds one TCP stream per simulated participant (client → the
venue's port 15000). This script takes the one stream from client to
venue (it refuses a capture with several: their relative order over
separate connections is not preserved by TCP), sends its bytes as
captured (SoupBinTCP Login Request, Unsequenced Data with OUCH messages,
heartbeats), then a Logout Request, and reads until the venue closes the
connection: by then every message before the logout has been handled.
Standard library only; the pcap is read by its own layout (nanosecond
pcap, Ethernet, IPv4, TCP), not by exsim's code.

  replay_order_entry.py CAPTURE PORTS_FILE VENUE
Prints one JSON line: bytes sent, SoupBinTCP packets sent by type, and
packets received by type.
"""
import json
import socket
import struct
import sys

TIMEOUT_S = 30.0
VENUE_PORT = 15000


def fail(message):
    print(f"replay_order_entry: {message}", file=sys.stderr)
    sys.exit(1)


def client_streams(path):
    """TCP payloads sent to the venue's order-entry port, per client endpoint, in capture order."""
    with open(path, "rb") as file:
        data = file.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        fail(f"{path}: not a little-endian pcap file")
    if struct.unpack_from("<I", data, 20)[0] != 1:
        fail(f"{path}: link type is not Ethernet")
    streams = {}
    offset = 24
    while offset + 16 <= len(data):
        _, _, captured, _ = struct.unpack_from("<IIII", data, offset)
        frame = data[offset + 16:offset + 16 + captured]
        offset += 16 + captured
        if len(frame) < 14 or struct.unpack_from(">H", frame, 12)[0] != 0x0800:
            continue
        ip = frame[14:]
        header_length = (ip[0] & 0x0F) * 4
        total_length = struct.unpack_from(">H", ip, 2)[0]
        if ip[9] != 6:
            continue
        tcp = ip[header_length:total_length]
        source_port, destination_port = struct.unpack_from(">HH", tcp, 0)
        payload = tcp[(tcp[12] >> 4) * 4:]
        if destination_port != VENUE_PORT or not payload:
            continue
        source = (bytes(ip[12:16]), source_port)
        streams.setdefault(source, bytearray()).extend(payload)
    return streams


def packets(stream):
    """SoupBinTCP packets: (type, whole packet bytes)."""
    offset = 0
    while offset + 2 <= len(stream):
        length = struct.unpack_from(">H", stream, offset)[0]
        if offset + 2 + length > len(stream):
            fail("a SoupBinTCP packet is cut off at the end of the stream")
        yield chr(stream[offset + 2]), bytes(stream[offset:offset + 2 + length])
        offset += 2 + length


def main():
    if len(sys.argv) != 4:
        fail("usage: replay_order_entry.py CAPTURE PORTS_FILE VENUE")
    capture, ports_file, venue_name = sys.argv[1:]
    streams = client_streams(capture)
    if len(streams) != 1:
        fail(f"expected one order-entry stream in the capture, found {len(streams)}")
    stream = next(iter(streams.values()))
    sent = {}
    body = bytearray()
    for kind, packet in packets(stream):
        if kind == "O":
            break  # the logout goes last, below
        sent[kind] = sent.get(kind, 0) + 1
        body.extend(packet)
    if not body or body[2] != ord("L"):
        fail("the stream does not start with a SoupBinTCP Login Request")

    with open(ports_file) as file:
        venues = json.load(file)["venues"]
    venue = next((v for v in venues if v["name"] == venue_name), None)
    if venue is None or venue.get("ouchPort") is None:
        fail(f"no OUCH venue named {venue_name} in {ports_file}")
    connection = socket.create_connection((venue["host"], venue["ouchPort"]), timeout=TIMEOUT_S)
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    connection.sendall(bytes(body) + b"\x00\x01O")
    received = bytearray()
    while True:
        chunk = connection.recv(1 << 16)
        if not chunk:
            break
        received.extend(chunk)
    connection.close()
    answers = {}
    for kind, packet in packets(received):
        key = kind + (packet[3:4].decode("ascii") if kind == "S" and len(packet) > 3 else "")
        answers[key] = answers.get(key, 0) + 1
    if answers.get("A", 0) != 1:
        fail(f"the venue did not accept the login: {answers}")
    print(json.dumps({"bytesSent": len(body) + 3, "sent": sent, "received": answers}, sort_keys=True))


if __name__ == "__main__":
    main()
