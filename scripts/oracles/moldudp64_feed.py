"""MoldUDP64 datagrams an oracle script received, walked as a feed handler
walks them, for the scripts that check a feed exsim sent (live_itch_feed.py,
served_replay_feed.py).

A datagram is Session (10 bytes), Sequence Number (u64), Message Count
(u16), then that many u16-length message blocks. Heartbeats (count 0) and
the end of session (count 0xFFFF) carry no messages.
"""
import struct


def message_blocks(datagrams, fail, first_sequence=None):
    """The message blocks of `datagrams` back to back, with the session and
    the message count: (session, blocks, count). Calls `fail` with a
    description when a datagram is shorter than its header, the session
    changes, the sequence numbers leave a gap, or (with `first_sequence`)
    the first messages do not start there."""
    expected_sequence = None
    session = None
    blocks = bytearray()
    message_count = 0
    for datagram in datagrams:
        if len(datagram) < 20:
            fail(f"a datagram of {len(datagram)} bytes is shorter than a MoldUDP64 header")
        if session is None:
            session = datagram[:10]
        elif datagram[:10] != session:
            fail(f"session changed from {session!r} to {datagram[:10]!r}")
        sequence, count = struct.unpack(">QH", datagram[10:20])
        if count == 0 or count == 0xFFFF:
            continue  # heartbeat or end of session: no messages
        if expected_sequence is None and first_sequence is not None and sequence != first_sequence:
            fail(f"the first messages have sequence {sequence}, not {first_sequence}")
        if expected_sequence is not None and sequence != expected_sequence:
            fail(f"sequence {sequence} where {expected_sequence} was next (a gap on loopback)")
        expected_sequence = sequence + count
        blocks.extend(datagram[20:])
        message_count += count
    return session, bytes(blocks), message_count
