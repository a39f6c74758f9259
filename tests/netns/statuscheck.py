#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""statuscheck.py SCHEMA LINES [EXPR]: checks every line of gp-tunnel's
--status-fd output against doc/status.schema.json by hand (Debian 12's
python3 has no jsonschema): json.loads, then the keywords the schema uses
(type, enum, pattern, minimum, maximum, required, properties,
additionalProperties). Then EXPR, a Python expression over `lines` (the
parsed objects) and `seq` (their "event/state" pairs), must be true.
Exit 0 if all holds; prints what failed. Test code only."""
import json
import re
import sys

TYPES = {"object": dict, "string": str, "null": type(None)}


def is_type(v, t):
    if t == "integer":
        return isinstance(v, int) and not isinstance(v, bool)
    return isinstance(v, TYPES[t])


def check(v, s, where, errs):
    types = s.get("type")
    if types is not None:
        types = types if isinstance(types, list) else [types]
        if not any(is_type(v, t) for t in types):
            errs.append("%s: %r is not %s" % (where, v, types))
            return
    if "enum" in s and v not in s["enum"]:
        errs.append("%s: %r not in %s" % (where, v, s["enum"]))
    if isinstance(v, str) and "pattern" in s and \
            not re.search(s["pattern"], v):
        errs.append("%s: %r does not match %s" % (where, v, s["pattern"]))
    if is_type(v, "integer"):
        if "minimum" in s and v < s["minimum"]:
            errs.append("%s: %d < %d" % (where, v, s["minimum"]))
        if "maximum" in s and v > s["maximum"]:
            errs.append("%s: %d > %d" % (where, v, s["maximum"]))
    if isinstance(v, dict):
        props = s.get("properties", {})
        for k in s.get("required", []):
            if k not in v:
                errs.append("%s: %s missing" % (where, k))
        for k, sub in v.items():
            if k in props:
                check(sub, props[k], where + "." + k, errs)
            elif s.get("additionalProperties") is False:
                errs.append("%s: unknown key %s" % (where, k))


def main():
    schema = json.load(open(sys.argv[1]))
    lines, errs = [], []
    with open(sys.argv[2], "rb") as f:
        raw = f.read()
    if raw and not raw.endswith(b"\n"):
        errs.append("the last line is not complete")
    for i, b in enumerate(raw.splitlines(), 1):
        try:
            o = json.loads(b.decode("utf-8"))
        except ValueError as e:
            errs.append("line %d: not JSON: %s" % (i, e))
            continue
        check(o, schema, "line %d" % i, errs)
        lines.append(o)
    seq = ["%s/%s" % (o.get("event"), o.get("state")) for o in lines]
    print("# %d lines: %s" % (len(lines), " ".join(seq)))
    expr = sys.argv[3] if len(sys.argv) > 3 else "True"
    if not lines:
        errs.append("no line")
    elif not eval("(" + expr + ")", {"lines": lines, "seq": seq}):
        errs.append("false: " + expr)
    for e in errs[:20]:
        print("# " + e)
    sys.exit(1 if errs else 0)


main()
