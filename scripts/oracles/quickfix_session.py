#!/usr/bin/env python3
"""A real FIX engine against a running `exsim serve`: QuickFIX (PyPI
`quickfix`, the C++ engine's Python binding) as the initiator of two
sessions, accounts P1 and P2, with its own session layer, message store,
sequence numbers and (when its package carries the specification) data
dictionary validation of everything exsim sends.

Steps, each checked:
  1. both sessions log on (ResetOnLogon=Y, Password 554 in the Logon);
  2. P1 enters a buy (NewOrderSingle) → ExecutionReport New;
  3. P1 replaces it (OrderCancelReplaceRequest, new price and quantity) →
     ExecutionReport Replaced;
  4. P2 sells into it → both sides get fills at the resting price;
  5. P1 enters another buy and cancels it (OrderCancelRequest) →
     ExecutionReport Canceled;
  6. a gap from the client: P1's next outgoing sequence number jumps by 5
     before a NewOrderSingle; exsim must ask for the missing ones
     (ResendRequest), QuickFIX fills the gap (SequenceReset-GapFill), and
     the order is still answered (New);
  7. a gap towards the client: P2's expected incoming number is set two
     lower, so exsim's next report looks too high; QuickFIX sends a
     ResendRequest, exsim resends (PossDupFlag=Y) or gap-fills
     (SequenceReset), and the report gets through;
  8. P1 enters a buy that rests, and logs out; while P1 is away, P2 sells
     into P1's two resting buys (both fill), and logs out;
  9. a new initiator on the same message store, without ResetOnLogon,
     logs both sessions on again: QuickFIX continues its sequence numbers
     and exsim its own, so exsim's Logon is ahead of what P1 expects by
     the two fills made while it was away; QuickFIX asks for them
     (ResendRequest), exsim resends them (PossDupFlag=Y) and both reach
     the application; P1's next order is answered; both log out cleanly.

Prints one JSON line with what happened; exits 1 naming the first step
that failed.

  quickfix_session.py PORTS_FILE VENUE BEGIN_STRING SYMBOL PRICE
"""
import json
import os
import sys
import tempfile
import threading
import time

import quickfix as fix

TIMEOUT_S = 15.0


def fail(message):
    print(f"quickfix_session: {message}", file=sys.stderr)
    sys.stderr.flush()
    os._exit(1)


class Recorder(fix.Application):
    """Collects what each session receives, for the steps to wait on."""

    def __init__(self, password):
        super().__init__()
        self.password = password
        self.lock = threading.Condition()
        self.logged_on = set()
        self.logged_out = set()
        self.reports = {}   # sender CompID → [dict of fields]
        self.admin = {}     # sender CompID → [msg types received]
        self.rejects = []

    def onCreate(self, session_id):
        pass

    def onLogon(self, session_id):
        with self.lock:
            self.logged_on.add(session_id.getSenderCompID().getString())
            self.lock.notify_all()

    def onLogout(self, session_id):
        with self.lock:
            self.logged_out.add(session_id.getSenderCompID().getString())
            self.lock.notify_all()

    def toAdmin(self, message, session_id):
        msg_type = fix.MsgType()
        message.getHeader().getField(msg_type)
        if msg_type.getValue() == fix.MsgType_Logon:
            message.setField(fix.Password(self.password))

    def fromAdmin(self, message, session_id):
        msg_type = fix.MsgType()
        message.getHeader().getField(msg_type)
        with self.lock:
            sender = session_id.getSenderCompID().getString()
            self.admin.setdefault(sender, []).append(msg_type.getValue())
            if msg_type.getValue() == "3":
                self.rejects.append(message.toString().replace("\x01", "|"))
            self.lock.notify_all()

    def toApp(self, message, session_id):
        pass

    def fromApp(self, message, session_id):
        msg_type = fix.MsgType()
        message.getHeader().getField(msg_type)
        fields = {}
        for tag in (11, 41, 37, 39, 150, 151, 14, 31, 32, 44, 38, 54, 20):
            if message.isSetField(tag):
                fields[tag] = message.getField(tag)
        header = message.getHeader()
        if header.isSetField(43):
            fields[43] = header.getField(43)
        fields[35] = msg_type.getValue()
        with self.lock:
            self.reports.setdefault(session_id.getSenderCompID().getString(), []).append(fields)
            self.lock.notify_all()

    def wait_for(self, what, predicate):
        deadline = time.time() + TIMEOUT_S
        with self.lock:
            while not predicate():
                remaining = deadline - time.time()
                if remaining <= 0:
                    fail(f"timed out waiting for {what}; reports {self.reports}; admin {self.admin}")
                self.lock.wait(remaining)

    def report(self, account, predicate, what):
        found = []

        def check():
            for report in self.reports.get(account, []):
                if report.get(35) == "8" and predicate(report):
                    found.append(report)
                    return True
            return False

        self.wait_for(what, check)
        return found[0]


def main():
    if len(sys.argv) != 6:
        fail("usage: quickfix_session.py PORTS_FILE VENUE BEGIN_STRING SYMBOL PRICE")
    ports_file, venue_name, begin_string, symbol, price = sys.argv[1:]
    venues = json.load(open(ports_file))["venues"]
    venue = next((v for v in venues if v["name"] == venue_name), None)
    if venue is None or venue.get("fixPort") is None:
        fail(f"no FIX venue named {venue_name} in {ports_file}")
    fix44 = begin_string == "FIX.4.4"

    work = tempfile.mkdtemp(prefix="exsim-quickfix-")
    # The specification QuickFIX validates with: EXSIM_QUICKFIX_SPEC names the
    # folder holding FIX42.xml and FIX44.xml (scripts/setup-quickfix.sh puts
    # them beside the engine, from the same release's source package).
    spec = os.path.join(os.environ.get("EXSIM_QUICKFIX_SPEC", ""), begin_string.replace(".", "") + ".xml")
    validating = os.path.exists(spec)
    sessions = ""
    for account in ("P1", "P2"):
        sessions += f"""
[SESSION]
BeginString={begin_string}
SenderCompID={account}
TargetCompID={venue['venueCompID']}
"""
    def settings_text(reset_on_logon):
        return f"""[DEFAULT]
ConnectionType=initiator
SocketConnectHost={venue['host']}
SocketConnectPort={venue['fixPort']}
HeartBtInt=30
ReconnectInterval=1
StartTime=00:00:00
EndTime=00:00:00
ResetOnLogon={reset_on_logon}
FileStorePath={work}/store
FileLogPath={work}/log
UseDataDictionary={'Y' if validating else 'N'}
{'DataDictionary=' + spec if validating else ''}
ValidateUserDefinedFields=N
AllowUnknownMsgFields=Y
{sessions}"""
    def start_initiator(reset_on_logon):
        settings_file = os.path.join(work, f"settings-{reset_on_logon}.cfg")
        with open(settings_file, "w") as file:
            file.write(settings_text(reset_on_logon))
        settings = fix.SessionSettings(settings_file)
        started = fix.SocketInitiator(app, fix.FileStoreFactory(settings), settings, fix.FileLogFactory(settings))
        started.start()
        return started

    app = Recorder(venue["password"])
    initiator = start_initiator("Y")

    def session_id(account):
        return fix.SessionID(begin_string, account, venue["venueCompID"])

    def send(account, message):
        if not fix.Session.sendToTarget(message, session_id(account)):
            fail(f"QuickFIX refused to send for {account}")

    def header(message, msg_type):
        message.getHeader().setField(fix.BeginString(begin_string))
        message.getHeader().setField(fix.MsgType(msg_type))
        return message

    def new_order(cl_ord_id, side, quantity, limit):
        message = header(fix.Message(), "D")
        message.setField(fix.ClOrdID(cl_ord_id))
        message.setField(fix.HandlInst("1"))
        message.setField(fix.Symbol(symbol))
        message.setField(fix.Side(side))
        message.setField(fix.TransactTime())
        message.setField(fix.OrderQty(quantity))
        message.setField(fix.OrdType(fix.OrdType_LIMIT))
        message.setField(fix.Price(limit))
        message.setField(fix.TimeInForce(fix.TimeInForce_DAY))
        return message

    def replace_request(orig_cl_ord_id, cl_ord_id, quantity, limit):
        message = header(fix.Message(), "G")
        message.setField(fix.OrigClOrdID(orig_cl_ord_id))
        message.setField(fix.ClOrdID(cl_ord_id))
        message.setField(fix.HandlInst("1"))
        message.setField(fix.Symbol(symbol))
        message.setField(fix.Side(fix.Side_BUY))
        message.setField(fix.TransactTime())
        message.setField(fix.OrderQty(quantity))
        message.setField(fix.OrdType(fix.OrdType_LIMIT))
        message.setField(fix.Price(limit))
        return message

    def cancel_request(orig_cl_ord_id, cl_ord_id, quantity):
        message = header(fix.Message(), "F")
        message.setField(fix.OrigClOrdID(orig_cl_ord_id))
        message.setField(fix.ClOrdID(cl_ord_id))
        message.setField(fix.Symbol(symbol))
        message.setField(fix.Side(fix.Side_BUY))
        message.setField(fix.TransactTime())
        message.setField(fix.OrderQty(quantity))
        return message

    app.wait_for("both logons", lambda: app.logged_on >= {"P1", "P2"})
    base = float(price)
    step = 1.0

    # 2. New.
    send("P1", new_order("B1", fix.Side_BUY, 100, base - step))
    app.report("P1", lambda r: r.get(11) == "B1" and r.get(150) == "0", "New for B1")

    # 3. Replace: a new price and quantity.
    send("P1", replace_request("B1", "B1R", 200, base))
    app.report("P1", lambda r: r.get(11) == "B1R" and r.get(150) == "5", "Replaced for B1R")

    # 4. P2 sells into it: fills on both sides at the resting price.
    send("P2", new_order("S1", fix.Side_SELL, 200, base - 5 * step))
    filled = "F" if fix44 else "2"
    buy_fill = app.report("P1", lambda r: r.get(11) == "B1R" and r.get(150) == filled, "the buyer's fill")
    sell_fill = app.report("P2", lambda r: r.get(11) == "S1" and r.get(150) == filled, "the seller's fill")
    for fill in (buy_fill, sell_fill):
        if abs(float(fill.get(31, "0")) - base) > 1e-9 or float(fill.get(32, "0")) != 200:
            fail(f"fill not at the resting price {base} for 200: {fill}")

    # 5. Cancel.
    send("P1", new_order("B2", fix.Side_BUY, 100, base - 2 * step))
    app.report("P1", lambda r: r.get(11) == "B2" and r.get(150) == "0", "New for B2")
    send("P1", cancel_request("B2", "B2C", 100))
    app.report("P1", lambda r: r.get(11) == "B2C" and r.get(150) == "4", "Canceled for B2C")

    # 6. A gap from the client: exsim asks for a resend, QuickFIX gap-fills.
    p1 = fix.Session.lookupSession(session_id("P1"))
    p1.setNextSenderMsgSeqNum(p1.getExpectedSenderNum() + 5)
    send("P1", new_order("B3", fix.Side_BUY, 100, base - 3 * step))
    app.wait_for("exsim's ResendRequest for the gap", lambda: "2" in app.admin.get("P1", []))
    app.report("P1", lambda r: r.get(11) == "B3" and r.get(150) == "0", "New for B3 after the gap")

    # 6b. B3 sent again, PossResend=Y, as a client does after a venue's
    # unasked-for reset: exsim answers with the open order's status (ExecType
    # I in 4.4; ExecTransType 3 and ExecType = OrdStatus in 4.2), not with a
    # duplicate's reject, and QuickFIX takes it by its dictionary.
    again = new_order("B3", fix.Side_BUY, 100, base - 3 * step)
    again.getHeader().setField(fix.PossResend(True))
    send("P1", again)
    status = app.report("P1", lambda r: r.get(11) == "B3" and r.get(39) == "0"
                        and (r.get(150) == "I" if fix44 else r.get(20) == "3" and r.get(150) == "0"),
                        "the status of B3, sent again with PossResend=Y")
    if status.get(151) != "100" or status.get(14) != "0":
        fail(f"B3's status does not say 100 open, none executed: {status}")

    # 6c. A replace sent again, PossResend=Y, after the first copy was
    # carried out: exsim answers with the status of the order under its new
    # ClOrdID (not an OrderCancelReject for the old one), and QuickFIX takes
    # it by its dictionary. The order is then cancelled, out of the way.
    send("P1", new_order("B6", fix.Side_BUY, 100, base - 7 * step))
    app.report("P1", lambda r: r.get(11) == "B6" and r.get(150) == "0", "New for B6")

    send("P1", replace_request("B6", "B6R", 100, base - 8 * step))
    app.report("P1", lambda r: r.get(11) == "B6R" and r.get(150) == "5", "Replaced for B6R")
    replace_again = replace_request("B6", "B6R", 100, base - 8 * step)
    replace_again.getHeader().setField(fix.PossResend(True))
    send("P1", replace_again)
    status = app.report("P1", lambda r: r.get(11) == "B6R" and r.get(39) == "0"
                        and (r.get(150) == "I" if fix44 else r.get(20) == "3" and r.get(150) == "0"),
                        "the status of B6R, its replace sent again with PossResend=Y")
    if status.get(151) != "100" or abs(float(status.get(44, "0")) - (base - 8 * step)) > 1e-9:
        fail(f"B6R's status does not say 100 open at the replaced price: {status}")
    send("P1", cancel_request("B6R", "B6C", 100))
    app.report("P1", lambda r: r.get(11) == "B6C" and r.get(150) == "4", "Canceled for B6C")

    # 7. A gap towards the client: P2 is told it has seen two messages fewer
    # than it has, so exsim's next one looks too high; QuickFIX asks for a
    # resend (ResendRequest) and exsim must resend them (PossDupFlag=Y) or
    # gap-fill them (SequenceReset) before the new report is let through.
    p2 = fix.Session.lookupSession(session_id("P2"))
    p2.setNextTargetMsgSeqNum(p2.getExpectedTargetNum() - 2)
    send("P2", new_order("S2", fix.Side_SELL, 100, base + 10 * step))
    app.report("P2", lambda r: r.get(11) == "S2" and r.get(150) == "0", "New for S2 after the gap")
    app.wait_for("exsim's answer to QuickFIX's ResendRequest (resent reports or SequenceReset)",
                 lambda: "4" in app.admin.get("P2", [])
                 or any(r.get(43) == "Y" for r in app.reports.get("P2", [])))

    # 8. P1 leaves a buy resting and logs out (a logged-out QuickFIX
    # session stays down); P2 sells into both of P1's resting buys (B3 at
    # base - 3, B4 at base - 4) while P1 is away, then logs out.
    send("P1", new_order("B4", fix.Side_BUY, 100, base - 4 * step))
    app.report("P1", lambda r: r.get(11) == "B4" and r.get(150) == "0", "New for B4")
    fix.Session.lookupSession(session_id("P1")).logout("back soon")
    app.wait_for("P1's logout", lambda: "P1" in app.logged_out)
    p1_expected_before = fix.Session.lookupSession(session_id("P1")).getExpectedTargetNum()
    send("P2", new_order("S3", fix.Side_SELL, 200, base - 4 * step))
    app.wait_for("the seller's two fills for S3",
                 lambda: sum(1 for r in app.reports.get("P2", [])
                             if r.get(11) == "S3" and r.get(150) in (filled, "F" if fix44 else "1")) >= 2)
    fix.Session.lookupSession(session_id("P2")).logout("back soon")
    app.wait_for("P2's logout", lambda: "P2" in app.logged_out)
    initiator.stop()
    del initiator

    # 9. Reconnect without ResetOnLogon: both sides continue their sequence
    # numbers, and the fills made while P1 was away are resent.
    with app.lock:
        app.logged_on.clear()
        app.logged_out.clear()
    reports_before = len(app.reports.get("P1", []))
    initiator = start_initiator("N")
    app.wait_for("both logons again", lambda: app.logged_on >= {"P1", "P2"})
    p1 = fix.Session.lookupSession(session_id("P1"))
    if p1.getExpectedSenderNum() <= 2:
        fail(f"QuickFIX's P1 sequence restarted: next sender number {p1.getExpectedSenderNum()}")

    def resent_fill(cl_ord_id):
        return lambda r: r.get(11) == cl_ord_id and r.get(150) == filled and r.get(43) == "Y"

    for cl_ord_id in ("B3", "B4"):
        app.wait_for(f"the fill of {cl_ord_id} made while P1 was away, resent",
                     lambda: any(resent_fill(cl_ord_id)(r) for r in app.reports.get("P1", [])[reports_before:]))
    send("P1", new_order("B5", fix.Side_BUY, 100, base - 6 * step))
    app.report("P1", lambda r: r.get(11) == "B5" and r.get(150) == "0", "New for B5 after the reconnect")
    # Read once the New has arrived (QuickFIX counts a message after its
    # callback): past the two resent fills and exsim's Logon.
    if p1.getExpectedTargetNum() <= p1_expected_before + 2:
        fail(f"exsim's sequence did not continue: P1 expects {p1.getExpectedTargetNum()}, was {p1_expected_before}")

    for account in ("P1", "P2"):
        fix.Session.lookupSession(session_id(account)).logout("done")
    app.wait_for("both logouts", lambda: app.logged_out >= {"P1", "P2"})
    initiator.stop()
    if app.rejects:
        fail(f"QuickFIX rejected exsim's messages: {app.rejects}")
    print(json.dumps({
        "beginString": begin_string,
        "validatedWithDataDictionary": validating,
        "reports": {account: len(app.reports.get(account, [])) for account in ("P1", "P2")},
        "admin": {account: sorted(set(app.admin.get(account, []))) for account in ("P1", "P2")},
        "statusOfResent": sorted(r[11] for r in app.reports.get("P1", [])
                                 if r.get(150) == "I" or r.get(20) == "3"),
        "resentWhileAway": sorted(r[11] for r in app.reports.get("P1", []) if r.get(43) == "Y" and r.get(150) == filled),
    }, sort_keys=True))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
