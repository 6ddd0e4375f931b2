#!/usr/bin/env python3
"""Trade over OUCH 4.2 / SoupBinTCP 3.00 with a running `exsim serve`, using
only the standard library and the layouts of PROTOCOLS.md (written apart
from exsim's codecs, so the two can disagree).

Reads the venue's address and accounts from the serve's --ports-file, logs
in two accounts, enters a buy and a sell that fills it exactly (leaving the
book as it was), checks that both orders are Accepted and both sides
Executed at the resting price, checks that a wrong password gets Login
Rejected, and logs out. With --tls-ca CA_FILE it speaks TLS through
Python's ssl module (OpenSSL), trusting only that file's certificates;
with --tls-cert and --tls-key it also presents that client certificate.
Prints one JSON summary line; exits 1 with a message when anything differs.

  live_ouch_session.py PORTS_FILE VENUE SYMBOL PRICE_TICKS [--tls-ca CA_FILE [--tls-cert CERT_FILE --tls-key KEY_FILE]]
"""
import json
import socket
import ssl
import struct
import sys
import time

TIMEOUT_S = 10.0


def fail(message):
    print(f"live_ouch_session: {message}", file=sys.stderr)
    sys.exit(1)


def alpha(text, width):
    return text.encode("ascii").ljust(width, b" ")


TLS_CONTEXT = None


class SoupClient:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT_S)
        if TLS_CONTEXT is not None:
            self.sock = TLS_CONTEXT.wrap_socket(self.sock)
        self.buffer = b""

    def send_packet(self, packet_type, payload=b""):
        body = packet_type + payload
        self.sock.sendall(struct.pack(">H", len(body)) + body)

    def login(self, username, password, session=""):
        # SoupBinTCP 3.00 Login Request: Username 6, Password 10, Session 10, Sequence 20 (right-justified).
        payload = alpha(username, 6) + alpha(password, 10) + alpha(session, 10) + b"1".rjust(20, b" ")
        self.send_packet(b"L", payload)
        packet_type, payload = self.read_packet()
        if packet_type != b"A":
            fail(f"{username}: expected Login Accepted, got {packet_type!r} {payload!r}")
        if len(payload) != 30:
            fail(f"{username}: Login Accepted payload is {len(payload)} bytes, expected 30")
        return payload[:10].decode().strip(), int(payload[10:].decode().strip())

    def read_packet(self):
        while True:
            while len(self.buffer) < 2 or len(self.buffer) < 2 + struct.unpack(">H", self.buffer[:2])[0]:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return None, b""
                self.buffer += chunk
            length = struct.unpack(">H", self.buffer[:2])[0]
            packet = self.buffer[2:2 + length]
            self.buffer = self.buffer[2 + length:]
            if packet[:1] != b"H":  # server heartbeats carry nothing to check
                return packet[:1], packet[1:]

    def read_ouch(self, wanted):
        """The next Sequenced Data message of type `wanted` (skipping System Events)."""
        for _ in range(100):
            packet_type, payload = self.read_packet()
            if packet_type is None:
                fail(f"connection closed while waiting for OUCH {wanted!r}")
            if packet_type != b"S":
                fail(f"expected Sequenced Data, got {packet_type!r}")
            if payload[:1] == b"S" and wanted != b"S":
                continue
            if payload[:1] != wanted:
                fail(f"expected OUCH {wanted!r}, got {payload[:1]!r} ({payload!r})")
            return payload
        fail(f"no OUCH {wanted!r} in 100 packets")

    def enter_order(self, token, side, shares, stock, price):
        # OUCH 4.2 Enter Order, 49 bytes.
        message = (b"O" + alpha(token, 14) + side + struct.pack(">I", shares) + alpha(stock, 8)
                   + struct.pack(">I", price) + struct.pack(">I", 99999) + alpha("FIRM", 4)
                   + b"Y" + b"A" + b"N" + struct.pack(">I", 0) + b"N" + b"R")
        assert len(message) == 49
        self.send_packet(b"U", message)

    def logout(self):
        self.send_packet(b"O")
        # The server ends the connection; whatever it still sends is drained.
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                if not self.sock.recv(65536):
                    return True
            except (ConnectionResetError, socket.timeout):
                return False
            except ssl.SSLError:
                # A TLS peer that closes without close_notify: the connection ended.
                return True
        return False


def check_accepted(payload, token, shares, stock, price):
    if len(payload) != 66:
        fail(f"Accepted is {len(payload)} bytes, expected 66")
    if payload[9:23] != alpha(token, 14):
        fail(f"Accepted token {payload[9:23]!r}, expected {token}")
    (accepted_shares,) = struct.unpack(">I", payload[24:28])
    (accepted_price,) = struct.unpack(">I", payload[36:40])
    if accepted_shares != shares or payload[28:36] != alpha(stock, 8) or accepted_price != price:
        fail(f"Accepted echoes {accepted_shares} {payload[28:36]!r} @ {accepted_price}, expected {shares} {stock} @ {price}")
    (order_ref,) = struct.unpack(">Q", payload[49:57])
    return order_ref


def check_executed(payload, token, shares, price):
    if len(payload) != 40:
        fail(f"Executed is {len(payload)} bytes, expected 40")
    if payload[9:23] != alpha(token, 14):
        fail(f"Executed token {payload[9:23]!r}, expected {token}")
    executed_shares, executed_price = struct.unpack(">II", payload[23:31])
    if executed_shares != shares or executed_price != price:
        fail(f"Executed {executed_shares} @ {executed_price}, expected {shares} @ {price}")
    (match_number,) = struct.unpack(">Q", payload[32:40])
    return match_number


def main():
    global TLS_CONTEXT
    usage = "usage: live_ouch_session.py PORTS_FILE VENUE SYMBOL PRICE_TICKS [--tls-ca CA_FILE [--tls-cert CERT_FILE --tls-key KEY_FILE]]"
    arguments = []
    options = {}
    rest = sys.argv[1:]
    while rest:
        if rest[0] in ("--tls-ca", "--tls-cert", "--tls-key") and len(rest) >= 2:
            options[rest[0]] = rest[1]
            rest = rest[2:]
        else:
            arguments.append(rest.pop(0))
    if len(arguments) != 4 or (("--tls-cert" in options) != ("--tls-key" in options)) or ("--tls-cert" in options and "--tls-ca" not in options):
        fail(usage)
    if "--tls-ca" in options:
        TLS_CONTEXT = ssl.create_default_context(cafile=options["--tls-ca"])
        TLS_CONTEXT.check_hostname = False  # venues are reached by address
        if "--tls-cert" in options:
            # A client certificate, for a venue that asks for one.
            TLS_CONTEXT.load_cert_chain(options["--tls-cert"], options["--tls-key"])
    ports_file, venue_name, symbol, price = arguments[0], arguments[1], arguments[2], int(arguments[3])
    with open(ports_file) as handle:
        venues = json.load(handle)["venues"]
    venue = next((v for v in venues if v["name"] == venue_name), None)
    if venue is None or venue.get("ouchPort") is None:
        fail(f"no OUCH socket for {venue_name} in {ports_file}")
    buyer_account, seller_account = venue["accounts"][0], venue["accounts"][1]
    password = venue["password"]

    buyer = SoupClient(venue["host"], venue["ouchPort"])
    session, next_sequence = buyer.login(buyer_account, password)
    if next_sequence != 1:
        fail(f"a new session starts at sequence 1, got {next_sequence}")
    buyer.enter_order("BUY1", b"B", 200, symbol, price)
    buy_ref = check_accepted(buyer.read_ouch(b"A"), "BUY1", 200, symbol, price)

    seller = SoupClient(venue["host"], venue["ouchPort"])
    seller.login(seller_account, password)
    seller.enter_order("SELL1", b"S", 200, symbol, price)
    sell_ref = check_accepted(seller.read_ouch(b"A"), "SELL1", 200, symbol, price)
    seller_match = check_executed(seller.read_ouch(b"E"), "SELL1", 200, price)
    buyer_match = check_executed(buyer.read_ouch(b"E"), "BUY1", 200, price)
    if seller_match != buyer_match:
        fail(f"the two sides of one trade have match numbers {buyer_match} and {seller_match}")

    # A login with a wrong password gets Login Rejected 'A' and a close.
    intruder = SoupClient(venue["host"], venue["ouchPort"])
    intruder.send_packet(b"L", alpha(buyer_account, 6) + alpha("wrong", 10) + alpha("", 10) + b"1".rjust(20, b" "))
    packet_type, payload = intruder.read_packet()
    if (packet_type, payload) != (b"J", b"A"):
        fail(f"a wrong password got {packet_type!r} {payload!r}, expected Login Rejected 'A'")

    buyer_closed = buyer.logout()
    seller_closed = seller.logout()
    if not (buyer_closed and seller_closed):
        fail("the server did not end the connection after Logout Request")
    print(json.dumps({"session": session, "accepted": 2, "executed": 2, "buyOrderRef": buy_ref,
                      "sellOrderRef": sell_ref, "matchNumber": buyer_match, "loggedOut": 2, "loginRejected": 1}))


if __name__ == "__main__":
    main()
