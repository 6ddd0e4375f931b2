#!/usr/bin/env python3
"""Decode an ITCH 5.0 BinaryFILE stream (u16 length + message, repeated) with
the PyPI `itchfeed` package and print one JSON object per message.

Every field the package decodes is printed under the package's own attribute
name: integers as integers, byte fields as their exact ASCII text (padding
kept), so the caller can compare each field with what it encoded.

Usage: itch_decode.py FILE
"""
import json
import os
import sys

# The pure-Python parser is the reference; a native backend, if present,
# would be a different implementation.
os.environ.setdefault("ITCH_NO_CPP", "1")

from itch.parser import MessageParser  # noqa: E402


def as_json_value(value):
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    count = 0
    with open(sys.argv[1], "rb") as stream:
        for message in MessageParser().parse_file(stream):
            fields = {name: as_json_value(value) for name, value in sorted(vars(message).items())}
            fields["message_type"] = message.message_type.decode("ascii")
            fields["message_size"] = message.message_size
            print(json.dumps(fields, sort_keys=True))
            count += 1
    print(json.dumps({"count": count}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
