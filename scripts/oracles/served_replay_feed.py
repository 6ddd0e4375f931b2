#!/usr/bin/env python3
"""Receive the ITCH 5.0 feed of `exsim serve` of a scenario whose venue
replays a captured feed (`replay:`), and decode it with the PyPI
`itchfeed` package (an ITCH 5.0 parser exsim did not write).

Binds a UDP socket on loopback, starts `exsim serve SCENARIO --feed-to`
that socket for DURATION (the binary and scenario are arguments), and
reads datagrams until serve exits. Every datagram must be a MoldUDP64
packet of one session with contiguous sequence numbers; its message
blocks are decoded by itchfeed, whose count must equal the headers'.
Prints one JSON line: the messages by type, and the venue's `feedReplay`
entry from serve-report.json, for the caller to compare. Exits 1 naming
the first thing that was wrong.

  served_replay_feed.py EXSIM_BINARY SCENARIO VENUE DURATION
"""
import collections
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("ITCH_NO_CPP", "1")
from itch.parser import MessageParser  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import moldudp64_feed  # noqa: E402

TIMEOUT_S = 60.0


def fail(message, serve=None):
    if serve is not None and serve.poll() is None:
        serve.kill()
    print(f"served_replay_feed: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 5:
        fail("usage: served_replay_feed.py EXSIM_BINARY SCENARIO VENUE DURATION")
    binary, scenario, venue_name, duration = sys.argv[1:]
    feed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    feed.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    feed.bind(("127.0.0.1", 0))
    feed.settimeout(0.2)
    work = tempfile.mkdtemp(prefix="exsim-served-replay-")
    out = os.path.join(work, "out")
    serve = subprocess.Popen(
        [binary, "serve", scenario, "--feed-to", f"{venue_name}=127.0.0.1:{feed.getsockname()[1]}",
         "--out", out, "--duration", duration],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    datagrams = []
    deadline = time.monotonic() + TIMEOUT_S
    while serve.poll() is None:
        if time.monotonic() > deadline:
            fail("serve did not stop by itself", serve)
        try:
            datagrams.append(feed.recv(65536))
        except socket.timeout:
            pass
    while True:  # what serve sent before it exited
        try:
            datagrams.append(feed.recv(65536))
        except socket.timeout:
            break
    if serve.returncode != 0:
        fail(f"serve exited {serve.returncode}: {serve.stderr.read().decode()}")

    session, blocks, message_count = moldudp64_feed.message_blocks(datagrams, fail, first_sequence=1)
    messages = list(MessageParser().parse_file(io.BytesIO(bytes(blocks))))
    if len(messages) != message_count:
        fail(f"itchfeed decoded {len(messages)} messages where the MoldUDP64 headers count {message_count}")
    by_type = collections.Counter(m.message_type.decode() for m in messages)
    report = json.load(open(os.path.join(out, "serve-report.json")))
    venue = next(v for v in report["venues"] if v["name"] == venue_name)
    print(json.dumps({"session": session.decode(), "messages": message_count,
                      "byType": dict(sorted(by_type.items())), "feedReplay": venue.get("feedReplay")}))


if __name__ == "__main__":
    main()
