"""Run openbadges-bakery (the reference Open Badges 2.0 baker) on one image, for the tests.

Run it with the validator venv's interpreter, where ``openbadges-bakery`` 2.0.0 lives::

    python unbake.py IMAGE              # prints {"payload": <unbaked text or null>}
    python unbake.py --bake IMAGE OUT   # bakes the UTF-8 payload read from stdin into OUT

Stdout carries only that JSON; the exit code is non-zero when the bakery raised.
"""

from __future__ import annotations

import json
import sys

import openbadges_bakery


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "--bake":
        payload = sys.stdin.buffer.read().decode("utf-8")
        with open(argv[1], "rb") as image, open(argv[2], "wb") as out:
            openbadges_bakery.bake(image, payload, out)
        print(json.dumps({"baked": argv[2]}))
        return 0
    if len(argv) == 1:
        with open(argv[0], "rb") as image:
            print(json.dumps({"payload": openbadges_bakery.unbake(image)}))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
