#!/usr/bin/env python3
"""Re-send the client side of the OUCH order entry in a capture that
`exsim run --capture` wrote to a venue served by `exsim serve`, and wait
until the venue has carried all of it out.

The capture holds one TCP stream per simulated participant (client → the
venue's port 15000). Each stream gets a connection of its own and logs in
with its captured Login Request (the simulated participant's account,
which exsim serve has too). Then every captured Unsequenced Data packet
(an OUCH request) is sent in capture order, which is the order the
simulated venue received them in, in lockstep: the next goes only once
the venue has answered this one on its connection (Accepted or Rejected
for an Enter Order; Replaced, Rejected or Cancel Reject for a Replace;
Canceled with reason U or Cancel Reject for a Cancel). TCP keeps no order
across connections, so without the lockstep the venue could carry out two
connections' requests in another order than the simulated venue did.
Client heartbeats are sent as captured. At the end each connection sends a
Logout Request and is read until the venue closes it. Standard library
only; the pcap is read by its own layout (nanosecond pcap, Ethernet, IPv4,
TCP), not by exsim's code.

  replay_order_entry.py CAPTURE PORTS_FILE VENUE
Prints one JSON line: connections, bytes sent, SoupBinTCP packets sent by
type, and packets received by type (sequenced data by OUCH type, as S…).
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


def client_packets(path):
    """The SoupBinTCP packets each client sent to the venue's order-entry
    port, as (client, type, packet bytes), in the order their last byte was
    captured: the order the venue received them in."""
    with open(path, "rb") as file:
        data = file.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic not in (0xA1B2C3D4, 0xA1B23C4D):
        fail(f"{path}: not a little-endian pcap file")
    if struct.unpack_from("<I", data, 20)[0] != 1:
        fail(f"{path}: link type is not Ethernet")
    pending = {}
    ordered = []
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
        client = (bytes(ip[12:16]), source_port)
        buffer = pending.setdefault(client, bytearray())
        buffer.extend(payload)
        while len(buffer) >= 2:
            length = struct.unpack_from(">H", buffer, 0)[0]
            if len(buffer) < 2 + length:
                break
            ordered.append((client, chr(buffer[2]), bytes(buffer[:2 + length])))
            del buffer[:2 + length]
    if any(pending.values()):
        fail("a SoupBinTCP packet is cut off at the end of a stream")
    return ordered


def packets(stream):
    """Whole SoupBinTCP packets at the start of `stream`: (type, packet bytes); the rest stays."""
    found = []
    while len(stream) >= 2:
        length = struct.unpack_from(">H", stream, 0)[0]
        if len(stream) < 2 + length:
            break
        found.append((chr(stream[2]), bytes(stream[:2 + length])))
        del stream[:2 + length]
    return found


class Connection:
    def __init__(self, host, port):
        self.socket = socket.create_connection((host, port), timeout=TIMEOUT_S)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = bytearray()
        self.answers = {}
        self.closed = False

    def read(self):
        """Reads once; returns the packets that completed."""
        chunk = self.socket.recv(1 << 16)
        if not chunk:
            self.closed = True
            return []
        self.buffer.extend(chunk)
        found = packets(self.buffer)
        for kind, packet in found:
            key = kind + (packet[3:4].decode("ascii") if kind == "S" and len(packet) > 3 else "")
            self.answers[key] = self.answers.get(key, 0) + 1
        return found

    def wait_for(self, matches):
        while True:
            for kind, packet in self.read():
                if matches(kind, packet):
                    return
            if self.closed:
                fail("the venue closed a connection before answering a request")


def answers_request(request):
    """A test for the venue's direct answer to an OUCH request (the payload of a U packet)."""
    kind = chr(request[0])
    if kind == "O":
        token = request[1:15]
        return lambda k, p: k == "S" and chr(p[3]) in "AJ" and p[12:26] == token
    if kind == "U":
        existing, replacement = request[1:15], request[15:29]
        return lambda k, p: k == "S" and ((chr(p[3]) in "UJ" and p[12:26] == replacement) or (chr(p[3]) == "I" and p[12:26] == existing))
    if kind in "XM":
        token = request[1:15]
        return lambda k, p: k == "S" and p[12:26] == token and (chr(p[3]) == "I" or (chr(p[3]) == "C" and chr(p[30]) == "U"))
    fail(f"an OUCH request of unknown type {kind!r}")


def main():
    if len(sys.argv) != 4:
        fail("usage: replay_order_entry.py CAPTURE PORTS_FILE VENUE")
    capture, ports_file, venue_name = sys.argv[1:]
    captured = client_packets(capture)
    if not captured:
        fail("no order entry to the venue's port in the capture")
    with open(ports_file) as file:
        venues = json.load(file)["venues"]
    venue = next((v for v in venues if v["name"] == venue_name), None)
    if venue is None or venue.get("ouchPort") is None:
        fail(f"no OUCH venue named {venue_name} in {ports_file}")

    connections = {}
    sent = {}
    bytes_sent = 0
    for client, kind, packet in captured:
        if kind == "O":
            continue  # each connection's logout goes last, below
        if client not in connections:
            if kind != "L":
                fail("a stream does not start with a SoupBinTCP Login Request")
            connection = Connection(venue["host"], venue["ouchPort"])
            connection.socket.sendall(packet)
            connection.wait_for(lambda k, p: k in "AJ")
            if connection.answers.get("A", 0) != 1:
                fail(f"the venue did not accept the login: {connection.answers}")
            connections[client] = connection
        else:
            connection = connections[client]
            connection.socket.sendall(packet)
            if kind == "U":
                connection.wait_for(answers_request(packet[3:]))
        sent[kind] = sent.get(kind, 0) + 1
        bytes_sent += len(packet)
    received = {}
    for connection in connections.values():
        connection.socket.sendall(b"\x00\x01O")
        bytes_sent += 3
        while not connection.closed:
            connection.read()
        connection.socket.close()
        for key, count in connection.answers.items():
            received[key] = received.get(key, 0) + count
    print(json.dumps({"connections": len(connections), "bytesSent": bytes_sent, "sent": sent, "received": received}, sort_keys=True))


if __name__ == "__main__":
    main()
