#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""readme_check.py README HELPDIR: README.md against the programs' --help.

Run by tests/readme_test.sh, which writes gp-auth.help, gp-tunnel.help
and, when openconnect is installed, openconnect.help into HELPDIR. Checks
that README has the sections issue 12 asks for, that its "Coming from
OpenConnect" table maps each OpenConnect option that matters for
GlobalProtect, that each OpenConnect option in the table is one
`openconnect --help` lists, and that every option given to gp-auth,
gp-tunnel or openconnect in a command of the README (a code block, or an
inline code span that starts with the program) is one its --help lists.
The README is the repository's own file; TAP lines on stdout.
"""
import os
import re
import shlex
import sys

PROGS = ("gp-auth", "gp-tunnel", "openconnect")
SECTIONS = ("Install", "Coming from OpenConnect", "SSO recipes",
            "Troubleshooting")
SUBSECTIONS = {
    "Install": ("From the Debian package", "From source"),
    "SSO recipes": ("gp-saml-gui", "--authenticate", "SAML hint"),
    "Troubleshooting": ("ESP", "HIP", "--os win", "MTU",
                        "systemd-resolved", "cookie", "pin"),
}
# OpenConnect's options that matter for GlobalProtect: each needs a row.
OC_NEEDED = (
    "--protocol", "-u", "-g", "--usergroup", "--authgroup", "-c", "-k",
    "-p", "--key-password", "--cafile", "--servercert", "--no-dtls", "--os",
    "--useragent", "--authenticate", "--cookie-on-stdin", "-C",
    "--csd-wrapper", "--disable-ipv6", "--script", "--interface",
    "--setuid", "--resolve", "--proxy", "--passwd-on-stdin", "--non-inter",
    "-b", "--pid-file", "--dump-http-traffic", "--local-hostname",
    "--no-xmlpost", "--allow-insecure-crypto", "--force-dpd",
    "--reconnect-timeout", "-m", "--base-mtu")
MIN_ROWS = 40
MIN_GPVPN_OPTS = 30
OPT_RE = re.compile(r"(?<![\w/-])(--[a-z0-9][a-z0-9-]*|-[A-Za-z]+)")

fails = 0


def tap(ok, desc):
    global fails
    if not ok:
        fails += 1
    print(("ok - " if ok else "not ok - ") + desc)


def help_opts(text):
    """The options a --help text lists: those at the start of a line (or
    of a usage line), before the gap that starts the description."""
    opts = set()
    for line in text.splitlines():
        s = line.strip()
        if s.lower().startswith("usage:"):
            s = s[6:].strip()
        if not s or not (s[0] in "-[" or s.startswith(PROGS)):
            continue
        lead = re.split(r"\s{2,}", s)[0]
        for m in OPT_RE.finditer(lead):
            o = m.group(1)
            if o.startswith("--"):
                opts.add(o)
            else:
                opts.update("-" + c for c in o[1:])
    return opts


def sections(lines):
    """{heading: [(lineno, line)]} for ## headings; ### listed too."""
    out, cur, subs = {}, None, {}
    for n, line in enumerate(lines, 1):
        if line.startswith("## "):
            cur = line[3:].strip()
            out[cur], subs[cur] = [], []
        elif cur is not None:
            out[cur].append((n, line))
            if line.startswith("### "):
                subs[cur].append(line[4:].strip())
    return out, subs


def split_row(line):
    cells = line.strip().strip("|").split("|")
    return [c.strip() for c in cells]


def code_spans(text):
    return re.findall(r"`([^`]+)`", text)


def span_option(span):
    """The OpenConnect option a span of the table's first column names."""
    m = re.match(r"(--?[A-Za-z][\w-]*)", span)
    return m.group(1) if m else None


def table(body):
    """The rows (lineno, [cells]) of the table whose header starts with
    OpenConnect | gpvpn."""
    rows, inside = [], False
    for n, line in body:
        if not line.startswith("|"):
            if inside:
                break
            continue
        cells = split_row(line)
        if not inside:
            inside = len(cells) >= 2 and cells[0] == "OpenConnect" and \
                cells[1] == "gpvpn"
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        rows.append((n, cells))
    return rows


def commands(lines):
    """(lineno, text) of every command: code block lines (4 spaces in),
    joined at a trailing backslash, and inline spans that start with one
    of PROGS (or sudo and one of them)."""
    out, pend, start = [], "", 0
    for n, line in enumerate(lines, 1):
        if line.startswith("    ") and not line.lstrip().startswith("|"):
            if not pend:
                start = n
            if line.rstrip().endswith("\\"):
                pend += line.rstrip()[:-1] + " "
                continue
            out.append((start, pend + line))
            pend = ""
            continue
        if pend:
            out.append((start, pend))
            pend = ""
        for s in code_spans(line):
            w = s.split()
            if w and w[0] == "sudo":
                w = w[1:]
            if w and w[0] in PROGS:
                out.append((n, s))
    return out


def opts_of(text, found, where):
    """Add (prog, option, where) for each option given to one of PROGS in
    the shell text, also inside quoted or $(...) words."""
    try:
        lex = shlex.shlex(text, posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        toks = list(lex)
    except ValueError:
        if any(p in text for p in PROGS):
            tap(False, "README line %d: cannot split `%s`" % (where, text))
        return
    prog = None
    for t in toks:
        if t and set(t) <= set("|&;()<>"):
            prog = None
        elif os.path.basename(t) in PROGS:
            prog = os.path.basename(t)
        elif re.search(r"\s", t) and any(p in t for p in PROGS):
            inner = t[2:-1] if t.startswith("$(") and t.endswith(")") \
                else t
            opts_of(inner, found, where)
        elif prog and t.startswith("-") and len(t) > 1:
            o = t.split("=", 1)[0]
            if o.startswith("--"):
                found.append((prog, o, where))
            else:
                found.extend((prog, "-" + c, where) for c in o[1:])
        elif prog:
            m = re.match(r"\$\{\w+:[+-](--?[\w-]+)", t)
            if m:
                found.append((prog, m.group(1), where))


def check_sections(secs, subs):
    for s in SECTIONS:
        tap(s in secs, "README has the section \"## %s\"" % s)
    for s, want in SUBSECTIONS.items():
        for w in want:
            tap(any(w in h for h in subs.get(s, [])),
                "README \"## %s\" has a \"###\" heading with `%s`" % (s, w))


def check_table(rows, helps):
    tap(len(rows) >= MIN_ROWS, "the OpenConnect table has %d rows (at "
        "least %d)" % (len(rows), MIN_ROWS))
    named = {}
    for n, cells in rows:
        oc = [span_option(s) for s in code_spans(cells[0])]
        ok = len(cells) == 3 and oc and None not in oc and cells[1] != ""
        tap(bool(ok), "table line %d: OpenConnect options, then what "
            "gpvpn has, then notes" % n)
        for o in oc if ok else []:
            named[o] = n
    for o in OC_NEEDED:
        tap(o in named, "the table has a row for openconnect %s" % o)
    for o, n in sorted(named.items()):
        check_opt("openconnect", o, "table line %d" % n, helps)


def check_opt(prog, o, where, helps):
    if helps.get(prog) is None:
        print("ok - %s: %s %s # SKIP %s is not installed" %
              (where, prog, o, prog))
        return
    tap(o in helps[prog], "%s: %s %s is in `%s --help`" %
        (where, prog, o, prog))


def main():
    readme, helpdir = sys.argv[1], sys.argv[2]
    lines = open(readme, encoding="utf-8").read().splitlines()
    helps = {}
    for p in PROGS:
        f = os.path.join(helpdir, p + ".help")
        helps[p] = help_opts(open(f).read()) if os.path.exists(f) else None
    for p in ("gp-auth", "gp-tunnel"):
        tap(helps[p] is not None and len(helps[p]) > 5,
            "`%s --help` lists options (%d)" % (p, len(helps[p] or ())))
    secs, subs = sections(lines)
    check_sections(secs, subs)
    check_table(table(secs.get("Coming from OpenConnect", [])), helps)
    found = []
    for n, text in commands(lines):
        opts_of(text, found, n)
    seen = {}
    for prog, o, n in found:
        seen.setdefault((prog, o), n)
    ours = [k for k in seen if k[0] != "openconnect"]
    tap(len(ours) >= MIN_GPVPN_OPTS, "README's commands give %d distinct "
        "gp-auth and gp-tunnel options (at least %d)" %
        (len(ours), MIN_GPVPN_OPTS))
    for (prog, o), n in sorted(seen.items()):
        check_opt(prog, o, "README line %d" % n, helps)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
