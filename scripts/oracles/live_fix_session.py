#!/usr/bin/env python3
"""Trade over FIX 4.2 or 4.4 with a running `exsim serve`, as an initiator
built on simplefix (PyPI), which frames, checksums and parses every message.

Reads the venue's address and accounts from the serve's --ports-file, logs
on two accounts, sends a buy and a sell that fills it exactly (NewOrderSingle), so the book is left as it was, checks
the ExecutionReports (New for both, then a fill on each side at the
resting price) and logs out, expecting the venue's Logout reply. Prints one
JSON summary line; exits 1 with a message when anything differs.

  live_fix_session.py PORTS_FILE VENUE BEGIN_STRING SYMBOL PRICE
"""
import json
import socket
import sys

import simplefix

TIMEOUT_S = 10.0


def fail(message):
    print(f"live_fix_session: {message}", file=sys.stderr)
    sys.exit(1)


class FIXInitiator:
    def __init__(self, host, port, begin_string, sender, target):
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT_S)
        self.parser = simplefix.FixParser()
        self.begin_string, self.sender, self.target = begin_string, sender, target
        self.next_sequence = 1

    def send(self, msg_type, fields):
        message = simplefix.FixMessage()
        message.append_pair(8, self.begin_string, header=True)
        message.append_pair(35, msg_type, header=True)
        message.append_pair(49, self.sender, header=True)
        message.append_pair(56, self.target, header=True)
        message.append_pair(34, self.next_sequence, header=True)
        message.append_utc_timestamp(52, precision=3, header=True)
        for tag, value in fields:
            message.append_pair(tag, value)
        self.next_sequence += 1
        self.sock.sendall(message.encode())

    def receive(self):
        """The next message other than a Heartbeat; None when the venue closed."""
        while True:
            message = self.parser.get_message()
            if message is not None:
                if message.get(35) == b"0":
                    continue
                if message.get(35) == b"1":  # TestRequest: answer it as the session layer must
                    self.send("0", [(112, message.get(112).decode())])
                    continue
                return message
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.parser.append_buffer(chunk)

    def expect(self, msg_type, what):
        message = self.receive()
        if message is None:
            fail(f"{self.sender}: the venue closed while waiting for {what}")
        if message.get(35) != msg_type.encode():
            fail(f"{self.sender}: expected {what} (35={msg_type}), got {message}")
        for tag, value in ((8, self.begin_string), (49, self.target), (56, self.sender)):
            if message.get(tag) != value.encode():
                fail(f"{self.sender}: {what} has {tag}={message.get(tag)}, expected {value}")
        return message

    def logon(self, password):
        self.send("A", [(98, 0), (108, 30), (554, password)])
        self.expect("A", "Logon")

    def new_order(self, client_order_id, side, quantity, symbol, price):
        fields = [(11, client_order_id), (21, 1), (55, symbol), (54, side)]
        fields.append((60, simplefix_timestamp()))
        fields += [(38, quantity), (40, 2), (44, price), (59, 0)]
        self.send("D", fields)

    def logout(self):
        self.send("5", [])
        self.expect("5", "the Logout reply")
        return self.receive() is None


def simplefix_timestamp():
    message = simplefix.FixMessage()
    message.append_utc_timestamp(60, precision=3)
    return message.get(60).decode()


def expect_execution(initiator, client_order_id, exec_types, what):
    report = initiator.expect("8", what)
    if report.get(11) != client_order_id.encode():
        fail(f"{what}: ClOrdID {report.get(11)}, expected {client_order_id}")
    if report.get(150) not in exec_types:
        fail(f"{what}: ExecType {report.get(150)}, expected one of {exec_types}")
    return report


def main():
    if len(sys.argv) != 6:
        fail("usage: live_fix_session.py PORTS_FILE VENUE BEGIN_STRING SYMBOL PRICE")
    ports_file, venue_name, begin_string, symbol, price = sys.argv[1:6]
    with open(ports_file) as handle:
        venues = json.load(handle)["venues"]
    venue = next((v for v in venues if v["name"] == venue_name), None)
    if venue is None or venue.get("fixPort") is None:
        fail(f"no FIX socket for {venue_name} in {ports_file}")
    if begin_string not in venue["fixVersions"]:
        fail(f"{venue_name} does not take {begin_string}")
    target, password = venue["venueCompID"], venue["password"]
    host, port = venue["host"], venue["fixPort"]
    fill_types = [b"1", b"2", b"F"]  # 4.2 partial / full fill, 4.4 Trade

    buyer = FIXInitiator(host, port, begin_string, venue["accounts"][0], target)
    buyer.logon(password)
    buyer.new_order("BUY1", 1, 200, symbol, price)
    expect_execution(buyer, "BUY1", [b"0"], "the buy's New")

    seller = FIXInitiator(host, port, begin_string, venue["accounts"][1], target)
    seller.logon(password)
    seller.new_order("SELL1", 2, 200, symbol, price)
    expect_execution(seller, "SELL1", [b"0"], "the sell's New")
    sell_fill = expect_execution(seller, "SELL1", fill_types, "the sell's fill")
    buy_fill = expect_execution(buyer, "BUY1", fill_types, "the buy's fill")
    for fill in (sell_fill, buy_fill):
        if int(fill.get(32)) != 200 or float(fill.get(31)) != float(price):
            fail(f"a fill of {fill.get(32)} @ {fill.get(31)}, expected 200 @ {price}")

    closed = [buyer.logout(), seller.logout()]
    if not all(closed):
        fail("the venue did not close after the Logout exchange")
    print(json.dumps({"beginString": begin_string, "news": 2, "fills": 2, "loggedOut": 2}))


if __name__ == "__main__":
    main()
