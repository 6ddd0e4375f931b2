#!/usr/bin/env python3
"""Write captures with scapy, an independent packet writer, for exsim's
capture reader to decode: framing exsim never writes itself.

- ethernet.pcap (microsecond pcap) and ethernet.pcapng: an 802.1Q-tagged
  IPv4 MoldUDP64 packet, IPv6 MoldUDP64 packets with a sequence gap, an ARP
  frame, an IPv4 datagram in two fragments (the last first), an IPv6 TCP
  SoupBinTCP session whose client segments arrive out of order, once
  retransmitted and with one segment missing (a hole), and a MoldUDP64
  packet in two IPv6 fragments;
- sll.pcap: Linux cooked capture (SLL) of an IPv4 MoldUDP64 packet;
- interfaces.pcapng: two Ethernet interfaces, one with microsecond and one
  with nanosecond timestamps (if_tsresol), packets interleaved (written
  block by block here: scapy gives every interface one resolution);
- sll2.pcap: Linux cooked capture v2 (SLL2) of an IPv6 TCP FIX Logon.

Usage: write_capture_samples.py OUT_DIR
"""
import struct
import sys

from scapy.all import ARP, IP, TCP, UDP, Dot1Q, Ether, IPv6, fragment, wrpcap  # noqa: E402
from scapy.layers.inet6 import IPv6ExtHdrFragment, fragment6  # noqa: E402
from scapy.layers.l2 import CookedLinux, CookedLinuxV2  # noqa: E402
from scapy.utils import wrpcapng  # noqa: E402

EPOCH = 1767605400.0  # 2026-01-05 09:30:00 UTC


def itch_system_event(code):
    # ITCH 5.0 'S': type, stock locate, tracking number, 6-byte timestamp, event code: 12 bytes.
    return b"S" + struct.pack(">HH", 0, 0) + (0).to_bytes(6, "big") + code


def mold(session, sequence, messages):
    packet = session.ljust(10).encode() + struct.pack(">QH", sequence, len(messages))
    for message in messages:
        packet += struct.pack(">H", len(message)) + message
    return packet


def soup(kind, payload=b""):
    return struct.pack(">H", len(payload) + 1) + kind + payload


def login_request():
    # Username 6, password 10, requested session 10, requested sequence number 20 (numeric, right-aligned).
    return soup(b"L", b"SCAPY ".ljust(6) + b"exsim".ljust(10) + b" " * 10 + b"1".rjust(20))


def login_accepted():
    return soup(b"A", b"DAY1".ljust(10) + b"1".rjust(20))


def enter_order():
    # An OUCH 4.2 Enter Order: 'O' and 48 bytes of fields (zeros: only the framing matters here).
    return soup(b"U", b"O" + bytes(48))


def timed(packets, start):
    for index, packet in enumerate(packets):
        packet.time = start + index * 0.0001
    return packets


def ethernet_packets():
    mac = dict(src="02:00:0a:01:00:01", dst="01:00:5e:36:0c:01")
    packets = [
        Ether(**mac) / Dot1Q(vlan=100) / IP(src="10.1.0.1", dst="233.54.12.1") / UDP(sport=26400, dport=26477)
        / mold("SCAPY01", 1, [itch_system_event(b"O"), itch_system_event(b"S")]),
        Ether(**mac) / IPv6(src="2001:db8::10", dst="ff15::1") / UDP(sport=26400, dport=26477)
        / mold("SCAPY01", 3, [itch_system_event(b"Q")]),
        # Sequence numbers 4 and 5 never arrive.
        Ether(**mac) / IPv6(src="2001:db8::10", dst="ff15::1") / UDP(sport=26400, dport=26477)
        / mold("SCAPY01", 6, [itch_system_event(b"M")]),
        Ether(src="02:00:0a:01:00:01", dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="10.1.0.1", pdst="10.1.0.2"),
    ]
    big = IP(src="10.1.0.1", dst="10.1.0.2", id=7) / UDP(sport=5000, dport=5001) / (b"x" * 1400)
    # The fragments arrive last first.
    pieces = fragment(big, fragsize=800)
    packets += [Ether(src="02:00:0a:01:00:01", dst="02:00:0a:01:00:02") / piece for piece in reversed(pieces)]

    client = dict(src="2001:db8::1", dst="2001:db8::2")
    server = dict(src="2001:db8::2", dst="2001:db8::1")
    c = lambda: Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / IPv6(**client)  # noqa: E731
    s = lambda: Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") / IPv6(**server)  # noqa: E731
    cisn, sisn = 1000, 5000
    login = login_request()
    order = enter_order()
    lost = enter_order()
    after = enter_order()
    first, second = login[:20], login[20:]
    seq = cisn + 1
    packets += [
        c() / TCP(sport=40001, dport=15000, flags="S", seq=cisn),
        s() / TCP(sport=15000, dport=40001, flags="SA", seq=sisn, ack=cisn + 1),
        c() / TCP(sport=40001, dport=15000, flags="A", seq=seq, ack=sisn + 1),
        # The second part of the login first, then the first part, then the first part again.
        c() / TCP(sport=40001, dport=15000, flags="PA", seq=seq + len(first), ack=sisn + 1) / second,
        c() / TCP(sport=40001, dport=15000, flags="PA", seq=seq, ack=sisn + 1) / first,
        c() / TCP(sport=40001, dport=15000, flags="PA", seq=seq, ack=sisn + 1) / first,
        s() / TCP(sport=15000, dport=40001, flags="PA", seq=sisn + 1, ack=seq + len(login)) / login_accepted(),
        c() / TCP(sport=40001, dport=15000, flags="PA", seq=seq + len(login), ack=sisn + 1 + 33) / order,
        # `lost` (52 bytes) is missing from the capture; the segment after it is there.
        c() / TCP(sport=40001, dport=15000, flags="PA", seq=seq + len(login) + len(order) + len(lost), ack=sisn + 34) / after,
        c() / TCP(sport=40001, dport=15000, flags="FA", seq=seq + len(login) + len(order) + len(lost) + len(after), ack=sisn + 34),
    ]
    # A MoldUDP64 packet of 120 messages (1,690 bytes) in two IPv6 fragments.
    long_packet = IPv6(src="2001:db8::10", dst="ff15::1") / IPv6ExtHdrFragment(id=77) / UDP(sport=26400, dport=26477) \
        / mold("SCAPY01", 7, [itch_system_event(b"C")] * 120)
    packets += [Ether(**mac) / piece for piece in fragment6(long_packet, 1000)]
    return timed(packets, EPOCH)


def pcapng_block(block_type, body):
    length = 12 + len(body)
    return struct.pack("<II", block_type, length) + body + struct.pack("<I", length)


def interfaces_pcapng(frames):
    # Section Header Block, then one Interface Description Block per resolution (10^-6 and 10^-9 s).
    data = pcapng_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    for resolution in (6, 9):
        options = struct.pack("<HHB3x", 9, 1, resolution) + struct.pack("<HH", 0, 0)
        data += pcapng_block(1, struct.pack("<HHI", 1, 0, 65535) + options)
    for interface, units, frame in frames:
        padded = frame + bytes(-len(frame) % 4)
        data += pcapng_block(6, struct.pack("<IIIII", interface, units >> 32, units & 0xFFFFFFFF, len(frame), len(frame)) + padded)
    return data


def main():
    out = sys.argv[1]
    packets = ethernet_packets()
    wrpcap(f"{out}/ethernet.pcap", packets)
    wrpcapng(f"{out}/ethernet.pcapng", packets)
    sll = CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=b"\x02\x00\x0a\x01\x00\x01\x00\x00", proto=0x0800) \
        / IP(src="10.1.0.1", dst="233.54.12.1") / UDP(sport=26400, dport=26477) / mold("SLL", 1, [itch_system_event(b"O")])
    wrpcap(f"{out}/sll.pcap", timed([sll], EPOCH))
    logon = b"35=A\x0149=P1\x0156=XFIX\x0134=1\x0198=0\x01108=30\x01"
    head = b"8=FIX.4.2\x019=" + str(len(logon)).encode() + b"\x01"
    fix = head + logon + b"10=%03d\x01" % (sum(head + logon) % 256)
    sll2 = [
        CookedLinuxV2(proto=0x86DD, ifindex=2, pkttype=4, lladdrtype=1, lladdrlen=6)
        / IPv6(src="2001:db8::1", dst="2001:db8::2") / TCP(sport=40002, dport=9878, flags="S", seq=1),
        CookedLinuxV2(proto=0x86DD, ifindex=2, pkttype=4, lladdrtype=1, lladdrlen=6)
        / IPv6(src="2001:db8::1", dst="2001:db8::2") / TCP(sport=40002, dport=9878, flags="PA", seq=2) / fix,
    ]
    wrpcap(f"{out}/sll2.pcap", timed(sll2, EPOCH))
    seconds = int(EPOCH)
    feed = lambda sequence: bytes(  # noqa: E731
        Ether(src="02:00:0a:01:00:01", dst="01:00:5e:36:0c:01") / IP(src="10.1.0.1", dst="233.54.12.1")
        / UDP(sport=26400, dport=26477) / mold("IF", sequence, [itch_system_event(b"O")]))
    with open(f"{out}/interfaces.pcapng", "wb") as file:
        file.write(interfaces_pcapng([
            (0, seconds * 10**6 + 123456, feed(1)),            # 09:30:00.123456 (µs)
            (1, seconds * 10**9 + 123456789, feed(2)),         # 09:30:00.123456789 (ns)
            (0, seconds * 10**6 + 200001, feed(3)),            # 09:30:00.200001
            (1, seconds * 10**9 + 200001001, feed(4)),         # 09:30:00.200001001
        ]))


if __name__ == "__main__":
    main()
