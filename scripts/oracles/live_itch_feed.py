#!/usr/bin/env python3
"""Receive the ITCH 5.0 feed of a running `exsim serve` over UDP and decode
it with the PyPI `itchfeed` package (an ITCH 5.0 parser exsim did not
write), while two OUCH accounts trade.

Binds a UDP socket on loopback, starts `exsim serve SCENARIO --feed-to`
that socket (the binary and scenario are arguments), logs in P1 and P2
over OUCH 4.2 / SoupBinTCP, rests a buy and fills it with a sell, then
stops serve with SIGTERM. Every datagram must be a MoldUDP64 packet of the
venue's session with contiguous sequence numbers; its message blocks are
decoded by itchfeed and must hold: System Event start of messages ('O'),
a Stock Directory for the symbol, the Add Order of the resting buy (side,
shares, stock, price), the Order Executed that fills it (shares, match
number), and after SIGTERM the end of messages ('C'). Before stopping
serve, the packet that carried the Add Order is treated as lost: a
MoldUDP64 re-request for it goes to the venue's re-request port (from the
ports file) and the answer must be the same packet, byte for byte, which
then takes its place. And a client of the venue's ITCH over SoupBinTCP
port logs in asking for sequence 1 before serve stops and reads until End
of Session: its Sequenced Data messages must be the UDP feed's messages,
byte for byte and in order. Prints one JSON line; exits 1 naming the
first thing that differed.

With --multicast GROUP the feed goes to that multicast group instead
(serve sends it by the loopback interface) and the socket joins the group
on loopback; re-request answers still come back by unicast.

  live_itch_feed.py EXSIM_BINARY SCENARIO VENUE SYMBOL PRICE [--multicast GROUP]
"""
import io
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("ITCH_NO_CPP", "1")
from itch.parser import MessageParser  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import live_ouch_session as ouch  # noqa: E402
import moldudp64_feed  # noqa: E402

TIMEOUT_S = 20.0


def fail(message, serve=None):
    if serve is not None and serve.poll() is None:
        serve.kill()
    print(f"live_itch_feed: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    arguments = sys.argv[1:]
    group = None
    if len(arguments) == 7 and arguments[5] == "--multicast":
        group = arguments[6]
        arguments = arguments[:5]
    if len(arguments) != 5:
        fail("usage: live_itch_feed.py EXSIM_BINARY SCENARIO VENUE SYMBOL PRICE [--multicast GROUP]")
    binary, scenario, venue_name, symbol, price_text = arguments
    price = int(price_text)
    feed = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    feed.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    if group is None:
        feed.bind(("127.0.0.1", 0))
        feed_to = f"{venue_name}=127.0.0.1:{feed.getsockname()[1]}"
    else:
        # Any address: the group's datagrams and the unicast re-request answers.
        feed.bind(("0.0.0.0", 0))
        membership = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton("127.0.0.1"))
        feed.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, membership)
        feed_to = f"{venue_name}={group}:{feed.getsockname()[1]}"
    feed.settimeout(0.2)
    work = tempfile.mkdtemp(prefix="exsim-itch-feed-")
    ports_file = os.path.join(work, "ports.json")
    serve = subprocess.Popen(
        [binary, "serve", scenario, "--feed-to", feed_to,
         "--ports-file", ports_file, "--out", os.path.join(work, "out"), "--duration", "60s"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + TIMEOUT_S
    while not os.path.exists(ports_file):
        if serve.poll() is not None or time.monotonic() > deadline:
            fail(f"serve did not start: {serve.stderr.read().decode() if serve.stderr else ''}", serve)
        time.sleep(0.05)
    venue = next(v for v in json.load(open(ports_file))["venues"] if v["name"] == venue_name)

    datagrams = []

    def drain(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                datagrams.append(feed.recv(65536))
            except socket.timeout:
                pass

    buyer = ouch.SoupClient(venue["host"], venue["ouchPort"])
    buyer.login("P1", venue["password"])
    seller = ouch.SoupClient(venue["host"], venue["ouchPort"])
    seller.login("P2", venue["password"])
    buyer.enter_order("ITCHBUY1", b"B", 300, symbol, price)
    buyer.read_ouch(b"A")
    seller.enter_order("ITCHSELL1", b"S", 300, symbol, price)
    seller.read_ouch(b"A")
    buyer.read_ouch(b"E")
    drain(0.5)

    # The Add Order's packet is "lost": recover it through the re-request service.
    def carries_add_order(datagram):
        offset, count = 20, struct.unpack(">H", datagram[18:20])[0] if len(datagram) >= 20 else 0
        for _ in range(count if count != 0xFFFF else 0):
            length = struct.unpack(">H", datagram[offset:offset + 2])[0]
            if datagram[offset + 2:offset + 3] == b"A":
                return True
            offset += 2 + length
        return False

    lost_index = next((i for i, d in enumerate(datagrams) if carries_add_order(d)), None)
    if lost_index is None:
        fail("no datagram carried an Add Order", serve)
    lost = datagrams.pop(lost_index)
    lost_sequence, lost_count = struct.unpack(">QH", lost[10:20])
    if venue.get("feedRequestPort") is None:
        fail("the ports file names no feedRequestPort", serve)
    feed.sendto(lost[:10] + struct.pack(">QH", lost_sequence, lost_count), (venue["host"], venue["feedRequestPort"]))
    recovered = None
    end = time.monotonic() + TIMEOUT_S
    while recovered is None and time.monotonic() < end:
        try:
            datagram = feed.recv(65536)
        except socket.timeout:
            continue
        if datagram[10:18] == lost[10:18] and datagram == lost:
            recovered = datagram
        else:
            datagrams.append(datagram)
    if recovered is None:
        fail(f"no answer to the re-request for sequence {lost_sequence} (count {lost_count})", serve)
    datagrams.insert(lost_index, recovered)
    if venue.get("itchPort") is None:
        fail("the ports file names no itchPort", serve)
    itch_client = ouch.SoupClient(venue["host"], venue["itchPort"])
    itch_client.login("P1", venue["password"])
    buyer.logout()
    seller.logout()
    serve.send_signal(signal.SIGTERM)
    drain(1.0)
    tcp_messages = []
    while True:
        packet_type, payload = itch_client.read_packet()
        if packet_type is None or packet_type == b"Z":
            break
        if packet_type != b"S":
            fail(f"ITCH over SoupBinTCP sent a {packet_type!r} packet", serve)
        tcp_messages.append(payload)
    if serve.wait(timeout=TIMEOUT_S) != 0:
        fail(f"serve exited {serve.returncode}: {serve.stderr.read().decode()}")

    session, blocks, message_count = moldudp64_feed.message_blocks(datagrams, fail)
    messages = list(MessageParser().parse_file(io.BytesIO(bytes(blocks))))
    udp_messages = []
    offset = 0
    while offset < len(blocks):
        length = struct.unpack(">H", blocks[offset:offset + 2])[0]
        udp_messages.append(bytes(blocks[offset + 2:offset + 2 + length]))
        offset += 2 + length
    if tcp_messages != udp_messages:
        first = next((i for i, (a, b) in enumerate(zip(tcp_messages, udp_messages)) if a != b), min(len(tcp_messages), len(udp_messages)))
        fail(f"ITCH over SoupBinTCP differs from the UDP feed at message {first + 1} "
             f"({len(tcp_messages)} and {len(udp_messages)} messages)")
    if len(messages) != message_count:
        fail(f"itchfeed decoded {len(messages)} messages where the MoldUDP64 headers count {message_count}")

    def of_type(kind):
        return [m for m in messages if m.message_type == kind]

    events = [m.event_code for m in of_type(b"S")]
    if b"O" not in events or b"C" not in events:
        fail(f"System Events {events!r}: expected start (O) and end (C) of messages")
    directory = [m for m in of_type(b"R") if m.stock.decode().strip() == symbol]
    if not directory:
        fail(f"no Stock Directory for {symbol}")
    locate = directory[0].stock_locate
    adds = [m for m in of_type(b"A") if m.stock_locate == locate and m.buy_sell_indicator == b"B"
            and m.shares == 300 and m.price == price and m.stock.decode().strip() == symbol]
    if len(adds) != 1:
        fail(f"expected one Add Order for the buy of 300 {symbol} @ {price}, found {len(adds)}")
    executed = [m for m in of_type(b"E") if m.order_reference_number == adds[0].order_reference_number]
    if len(executed) != 1 or executed[0].executed_shares != 300:
        fail(f"expected the Order Executed of 300 for order {adds[0].order_reference_number}, found {executed!r}")
    print(json.dumps({"datagrams": len(datagrams), "messages": len(messages), "session": session.decode(),
                      "recoveredSequence": lost_sequence, "soupBinTCPMessages": len(tcp_messages),
                      "types": sorted({m.message_type.decode() for m in messages})}, sort_keys=True))


if __name__ == "__main__":
    main()
