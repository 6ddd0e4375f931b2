#!/usr/bin/env python3
"""Receive the feed `exsim replay` plays onto UDP and decode its ITCH 5.0
messages with the PyPI `itchfeed` package (an ITCH 5.0 parser exsim did
not write).

Binds a UDP socket on loopback, runs `exsim replay CAPTURE --feed-to` that
socket with the pacing options given, and reads every datagram while it
runs. Each datagram must be a MoldUDP64 packet; per session, sequence
numbers must follow on with no gap or repeat. The message blocks of each
session are decoded by itchfeed, whose message count must equal the
MoldUDP64 headers' count. Prints one JSON line: datagrams, messages,
sessions, and ITCH messages by type; exits 1 naming the first thing that
differed.

  replay_itch_feed.py EXSIM_BINARY CAPTURE [PACING OPTION ...]
"""
import io
import json
import os
import socket
import struct
import subprocess
import sys
import time

os.environ.setdefault("ITCH_NO_CPP", "1")
from itch.parser import MessageParser  # noqa: E402

TIMEOUT_S = 60.0
SO_RCVBUFFORCE = 33  # Linux; Python's socket module does not name it


def fail(message):
    print(f"replay_itch_feed: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) < 3:
        fail("usage: replay_itch_feed.py EXSIM_BINARY CAPTURE [PACING OPTION ...]")
    binary, capture = sys.argv[1:3]
    feed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        feed.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    except OSError:
        feed.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    feed.bind(("127.0.0.1", 0))
    feed.settimeout(0.1)
    replay = subprocess.Popen(
        [binary, "replay", capture, "--feed-to", f"127.0.0.1:{feed.getsockname()[1]}"] + sys.argv[3:],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    datagrams = []
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        try:
            datagrams.append(feed.recv(65536))
            continue
        except socket.timeout:
            pass
        if replay.poll() is not None:
            break
        if time.monotonic() > deadline:
            replay.kill()
            fail("exsim replay did not finish")
    feed.setblocking(False)
    while True:
        try:
            datagrams.append(feed.recv(65536))
        except BlockingIOError:
            break
    if replay.returncode != 0:
        fail(f"exsim replay exited {replay.returncode}: {replay.stderr.read().decode()}")

    # MoldUDP64: Session (10), Sequence Number (u64), Message Count (u16), then u16-length message blocks.
    sessions = {}
    for index, datagram in enumerate(datagrams):
        if len(datagram) < 20:
            fail(f"datagram {index + 1} of {len(datagram)} bytes is shorter than a MoldUDP64 header")
        session = datagram[:10].decode()
        sequence, count = struct.unpack(">QH", datagram[10:20])
        state = sessions.setdefault(session, {"next": sequence, "blocks": bytearray(), "count": 0, "datagrams": 0})
        state["datagrams"] += 1
        if sequence != state["next"]:
            fail(f"session {session}: datagram {index + 1} has sequence {sequence} where {state['next']} was next")
        if count in (0, 0xFFFF):
            continue  # heartbeat or end of session
        state["next"] = sequence + count
        state["blocks"].extend(datagram[20:])
        state["count"] += count

    types = {}
    messages = 0
    for session, state in sorted(sessions.items()):
        decoded = list(MessageParser().parse_file(io.BytesIO(bytes(state["blocks"]))))
        if len(decoded) != state["count"]:
            fail(f"session {session}: itchfeed decoded {len(decoded)} messages where the MoldUDP64 headers count {state['count']}")
        for message in decoded:
            kind = message.message_type.decode()
            types[kind] = types.get(kind, 0) + 1
        messages += len(decoded)
    print(json.dumps({"datagrams": len(datagrams), "messages": messages,
                      "sessions": {name: {"datagrams": s["datagrams"], "messages": s["count"], "nextSequence": s["next"]}
                                   for name, s in sorted(sessions.items())},
                      "itch": types}, sort_keys=True))


if __name__ == "__main__":
    main()
