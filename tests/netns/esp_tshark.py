#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""esp_tshark.py PCAP SECRETS DIR: decrypt a capture of GP ESP with
tshark and the keys the test gateway issued (its --secrets file), as an
independent check of the bytes on the wire (PROTOCOL.md §7). The keys go
into a private wireshark config under DIR (an esp_sa table, mode 0600),
never into an argv. Prints TAP lines: every ESP datagram of a known SA
has a valid ICV, each SA's first sequence number is 0, the magic ping and
its reply decrypt, and so do ordinary ICMP echoes through the tunnel.
"""

import collections
import json
import os
import subprocess
import sys

ENC = {"aes-128-cbc": "AES-CBC [RFC3602]", "aes128": "AES-CBC [RFC3602]",
       "aes-256-cbc": "AES-CBC [RFC3602]"}
MAC = {"md5": "HMAC-MD5-96 [RFC2403]", "sha1": "HMAC-SHA-1-96 [RFC2404]",
       "sha256": "HMAC-SHA-256-128 [RFC4868]"}
MAGIC_HEX = b"monitor\x00\x00pan ha ".hex()
FIELDS = ("esp.spi", "esp.sequence", "esp.icv_good", "esp.icv_bad",
          "ip.src", "ip.dst", "ipv6.src", "icmp.type", "icmpv6.type",
          "data.data")
TSHARK_TIMEOUT_S = 60


def sa_table(secrets_path):
    """esp_sa UAT lines and SPI -> direction, from the secrets file."""
    lines, spis = [], {}
    with open(secrets_path, encoding="utf-8") as fp:
        for line in fp:
            r = json.loads(line)
            if r.get("event") != "esp-keys":
                continue
            for d in ("c2s", "s2c"):
                spi = "0x%08x" % r[d + "-spi"]
                spis[spi] = d
                lines.append('"IPv4","*","*","%s","%s","0x%s","%s","0x%s"'
                             % (spi, ENC[r["enc"]], r["ekey-" + d],
                                MAC[r["hmac"]], r["akey-" + d]))
    return lines, spis


def run_tshark(pcap, workdir, lines, port):
    conf = os.path.join(workdir, "xdg", "wireshark")
    os.makedirs(conf, mode=0o700, exist_ok=True)
    fd = os.open(os.path.join(conf, "esp_sa"),
                 os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fp:
        fp.write("\n".join(lines) + "\n")
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(workdir, "xdg"))
    cmd = ["tshark", "-n", "-r", pcap, "-d", "udp.port==%d,udpencap" % port,
           "-o", "esp.enable_encryption_decode:TRUE",
           "-o", "esp.enable_authentication_check:TRUE",
           "-T", "fields", "-E", "occurrence=a", "-E", "separator=\t"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True,
                         timeout=TSHARK_TIMEOUT_S, check=True).stdout
    return [dict(zip(FIELDS, ln.split("\t"))) for ln in out.splitlines()]


def main(argv):
    if len(argv) < 4:
        print("usage: esp_tshark.py PCAP SECRETS DIR [PORT]",
              file=sys.stderr)
        return 64
    port = int(argv[4]) if len(argv) > 4 else 4501
    lines, spis = sa_table(argv[2])
    rows = run_tshark(argv[1], argv[3], lines, port)
    esp = [r for r in rows if r["esp.spi"] in spis]
    first = {}
    n = collections.Counter()
    for r in esp:
        d = spis[r["esp.spi"]]
        first.setdefault(r["esp.spi"], int(r["esp.sequence"]))
        n[d] += 1
        n["icv_good"] += r["esp.icv_good"] == "1"
        types = (r["icmp.type"] + "," + r["icmpv6.type"]).split(",")
        magic = r["data.data"].startswith(MAGIC_HEX)
        for t, name in (("8", "echo"), ("0", "reply"), ("128", "echo"),
                        ("129", "reply")):
            if t in types:
                n["%s %s %s" % (d, "magic" if magic else "inner", name)] += 1
    print("# %d datagrams captured, %d of known SAs (%d SAs issued); %s"
          % (len(rows), len(esp), len(spis) // 2,
             json.dumps(dict(sorted(n.items())))))
    checks = [
        ("ESP datagrams both ways decoded", n["c2s"] > 0 and n["s2c"] > 0),
        ("every ESP datagram has a valid ICV (%d/%d)"
         % (n["icv_good"], len(esp)), esp and n["icv_good"] == len(esp)),
        ("each SA's first sequence number is 0 (%d SAs seen)" % len(first),
         first and all(v == 0 for v in first.values())),
        ("magic ping c2s and its reply s2c decrypt",
         n["c2s magic echo"] > 0 and n["s2c magic reply"] > 0),
        ("inner ICMP echoes through the tunnel decrypt",
         n["c2s inner echo"] + n["s2c inner echo"] > 0 and
         n["c2s inner reply"] + n["s2c inner reply"] > 0),
    ]
    bad = 0
    for desc, cond in checks:
        print("%s - tshark: %s" % ("ok" if cond else "not ok", desc))
        bad += not cond
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
