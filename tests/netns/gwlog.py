#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""gwlog.py LOG EXPR [--show]: count the records r of a gpgw.py JSON-lines
log for which the Python expression EXPR (written by our own test scripts)
is true; --show also prints them. Malformed lines count as a failure."""

import json
import sys


def main(argv):
    if len(argv) < 3:
        print("usage: gwlog.py LOG EXPR [--show]", file=sys.stderr)
        return 64
    code = compile("(" + argv[2] + ")", "<expr>", "eval")
    n = 0
    with open(argv[1], encoding="utf-8") as fp:
        for line in fp:
            r = json.loads(line)
            try:
                hit = eval(code, {"r": r})
            except (KeyError, TypeError, IndexError):
                hit = False
            if hit:
                n += 1
                if "--show" in argv[3:]:
                    print(json.dumps(r), file=sys.stderr)
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
