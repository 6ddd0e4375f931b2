#!/usr/bin/env python3
"""Parse a file of concatenated FIX messages with simplefix (PyPI) and print
one JSON object per message:

  {"fields": [[tag, "value"], ...], "body_length_ok": bool,
   "checksum_ok": bool, "simplefix_reencode_equal": bool}

simplefix does not validate BodyLength (9) or CheckSum (10) when parsing, so
both are recomputed here from the raw bytes; in addition simplefix's own
encoder (which computes 9 and 10 itself) must reproduce the message byte for
byte. Exits non-zero if the file holds bytes that are not part of a message.
"""
import json
import sys

import simplefix

SOH = b"\x01"


def raw_bytes(message):
    return b"".join(tag + b"=" + value + SOH for tag, value in message.pairs)


def check(raw, pairs):
    # BodyLength: from after the SOH that ends 9= up to and including the SOH before 10=.
    begin_field = len(pairs[0][0]) + 1 + len(pairs[0][1]) + 1
    length_field = len(pairs[1][0]) + 1 + len(pairs[1][1]) + 1
    trailer_start = len(raw) - (len(pairs[-1][0]) + 1 + len(pairs[-1][1]) + 1)
    body_length_ok = (
        pairs[1][0] == b"9"
        and pairs[1][1].isdigit()
        and int(pairs[1][1]) == trailer_start - (begin_field + length_field)
    )
    checksum = sum(raw[:trailer_start]) % 256
    checksum_ok = pairs[-1][0] == b"10" and pairs[-1][1] == b"%03d" % checksum
    return body_length_ok, checksum_ok


def main():
    with open(sys.argv[1], "rb") as handle:
        data = handle.read()
    parser = simplefix.FixParser()
    parser.append_buffer(data)
    consumed = b""
    while True:
        message = parser.get_message()
        if message is None:
            break
        raw = raw_bytes(message)
        consumed += raw
        body_length_ok, checksum_ok = check(raw, message.pairs)
        print(json.dumps({
            "fields": [[int(tag), value.decode("latin-1")] for tag, value in message.pairs],
            "body_length_ok": body_length_ok,
            "checksum_ok": checksum_ok,
            "simplefix_reencode_equal": message.encode() == raw,
        }))
    if consumed != data:
        print("input is not a sequence of whole FIX messages", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
