#!/usr/bin/env python3
"""Send a SoupBinTCP 3.00 Login Request over plain TCP and report whether a
SoupBinTCP packet came back before the server closed: run against a venue
that speaks TLS, the answer must be no (at most a TLS alert record).
Prints one JSON line; exits 1 when the server neither answers nor closes.

  plain_login_probe.py HOST PORT
"""
import json
import socket
import sys

TIMEOUT_S = 10.0


def main():
    if len(sys.argv) != 3:
        print("usage: plain_login_probe.py HOST PORT", file=sys.stderr)
        sys.exit(2)
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=TIMEOUT_S)
    # Login Request: Username 6, Password 10, Session 10, Sequence 20.
    body = b"L" + b"P1".ljust(6) + b"exsim".ljust(10) + b" " * 10 + b"1".rjust(20)
    sock.sendall(len(body).to_bytes(2, "big") + body)
    received = b""
    closed = False
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            received += chunk
    except ConnectionResetError:
        closed = True
    except socket.timeout:
        pass
    if not closed:
        print("plain_login_probe: the server neither answered nor closed", file=sys.stderr)
        sys.exit(1)
    # A TLS record starts with its content type: 0x15 is an alert.
    tls_alert = received[:1] == b"\x15"
    soupbintcp = len(received) >= 3 and not tls_alert and received[2:3] in (b"A", b"J", b"+", b"H", b"S", b"Z")
    print(json.dumps({"closed": closed, "bytes": len(received), "tlsAlert": tls_alert, "soupbintcp": soupbintcp}))


if __name__ == "__main__":
    main()
