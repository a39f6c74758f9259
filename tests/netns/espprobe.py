#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""espprobe.py CAFILE PWFILE: exercises the test gateway's ESP (gpgw.py)
from the client namespace with hand-made datagrams, built with the
gateway's own gpesp.py (its crypto is checked against OpenConnect and
tshark elsewhere; this checks its rules): the suite must be in the
client's offer, the magic ping is answered, replays, bad ICVs, bad
padding, unknown SPIs and spoofed sources get nothing, junk does not
hurt, an old SA keeps working for a grace period after a new getconfig,
and the HTTPS tunnel kills the keys until the next getconfig. TAP."""

import os
import re
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "gateway"))
import gpesp  # noqa: E402
import gwprobe  # noqa: E402

GW = gwprobe.GW
UDP_PORT = 4501
REPLY_WAIT_S = 0.5
fails = 0


def check(desc, cond, detail=""):
    global fails
    print("%s - gateway esp: %s" % ("ok" if cond else "not ok", desc))
    if not cond:
        fails += 1
        if detail:
            print("#   " + str(detail)[:300])


def getconfig(c, cookie, enc="aes-128-cbc,aes-256-cbc",
              mac="sha1,md5,sha256"):
    st, body = c.post("/ssl-vpn/getconfig.esp", [
        ("client-type", "1"), ("protocol-version", "p1"),
        ("app-version", "6.3.0-33"), ("clientos", "Linux"),
        ("os-version", "linux-64"), ("hmac-algo", mac),
        ("enc-algo", enc)] + cookie)
    return body


def sas(body):
    """(outbound Sa, inbound Sa) from a getconfig answer, or None."""
    def v(tag):
        m = re.search(r"<%s>(.*?)</%s>" % (tag, tag), body, re.S)
        return m.group(1) if m else None
    if v("ipsec") is None:
        return None
    enc, mac = v("enc-algo"), v("hmac-algo")

    def key(name):
        return bytes.fromhex(re.search(r"<val>([0-9a-f]+)</val>",
                                       v(name)).group(1))
    out = gpesp.Sa(int(v("c2s-spi"), 16), enc, key("ekey-c2s"), mac,
                   key("akey-c2s"))
    inb = gpesp.Sa(int(v("s2c-spi"), 16), enc, key("ekey-s2c"), mac,
                   key("akey-s2c"))
    return out, inb


class Esp:
    def __init__(self):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.connect((GW, UDP_PORT))

    def send(self, dgram):
        self.s.send(dgram)

    def replies(self):
        """Every datagram that arrives within REPLY_WAIT_S."""
        out = []
        end = time.monotonic() + REPLY_WAIT_S
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return out
            self.s.settimeout(left)
            try:
                out.append(self.s.recv(65536))
            except socket.timeout:
                return out


def decrypt_all(inb, dgrams):
    got = []
    for d in dgrams:
        if gpesp.spi_of(d) == inb.spi:
            inner, _ = inb.decrypt(d)
            if inner is not None:
                got.append((struct.unpack(">I", d[4:8])[0], inner))
    return got


def is_magic_reply(pkt, tip):
    return len(pkt) >= 44 and pkt[9] == 1 and pkt[20] == 0 and \
        pkt[12:16] == socket.inet_aton(GW) and \
        pkt[16:20] == socket.inet_aton(tip) and \
        pkt[28:44] == gpesp.MAGIC


def ping_ok(esp, out, inb, tip, seq):
    """A magic ping with SA out is answered on SA inb."""
    esp.send(out.encrypt(gpesp.magic_ping4(tip, GW, seq)))
    return any(is_magic_reply(p, tip)
               for _, p in decrypt_all(inb, esp.replies()))


def bad_datagrams(esp, out, inb, tip):
    good = out.encrypt(gpesp.magic_ping4(tip, GW, 1))
    esp.send(good)
    first = decrypt_all(inb, esp.replies())
    check("magic ping answered: echo reply from gw-address, same payload,"
          " s2c sequence number 0",
          len(first) == 1 and first[0][0] == 0 and
          is_magic_reply(first[0][1], tip), first)
    esp.send(good)
    check("a replayed datagram gets no answer", not esp.replies())
    esp.send(good[:-1] + bytes([good[-1] ^ 1]))
    check("a flipped ICV bit gets no answer", not esp.replies())
    esp.send(out.encrypt(gpesp.magic_ping4(tip, GW, 2), bad_pad=True))
    check("bad padding (valid ICV) gets no answer", not esp.replies())
    esp.send(bytes([good[0] ^ 0xFF]) + good[1:])
    check("an unknown SPI gets no answer", not esp.replies())
    esp.send(out.encrypt(gpesp.magic_ping4("198.18.128.250", GW, 3)))
    check("a spoofed inner source gets no answer", not esp.replies())
    esp.send(out.encrypt(gwprobe.icmp_echo(tip, gwprobe.LAN_HOST, 0x4545,
                                           4)))
    got = decrypt_all(inb, esp.replies())
    check("an echo to the LAN host comes back through ESP",
          any(p[9] == 1 and p[20] == 0 and
              p[12:16] == socket.inet_aton(gwprobe.LAN_HOST) for _, p in got),
          got)


def main(argv):
    ctx = gwprobe.ssl.create_default_context(cafile=argv[1])
    pw = open(argv[2]).readline().rstrip("\n")
    c, cookie, tip = gwprobe.session(ctx, pw)
    body = getconfig(c, cookie, enc="aes-256-cbc", mac="md5")
    check("no <ipsec> when the gateway's suite is not offered",
          "<ipsec>" not in body and "<ip-address>" in body)
    k1 = sas(getconfig(c, cookie))
    check("<ipsec> with keys when it is offered", k1 is not None)
    if k1 is None:
        return 1
    esp = Esp()
    bad_datagrams(esp, k1[0], k1[1], tip)
    k2 = sas(getconfig(c, cookie))
    check("a new getconfig issues new SPIs",
          k2 and k2[0].spi != k1[0].spi and k2[1].spi != k1[1].spi)
    check("the old SA still works right after a new getconfig (grace)",
          ping_ok(esp, k1[0], k1[1], tip, 10))
    check("the new SA works and the answer uses it",
          ping_ok(esp, k2[0], k2[1], tip, 11))
    spi = struct.pack(">I", k2[0].spi)
    for n in range(300):
        junk = os.urandom(n % 120)
        esp.send(spi + junk if n % 2 else junk)
    check("300 junk datagrams (half with our SPI) later, still answered",
          ping_ok(esp, k2[0], k2[1], tip, 20))
    t = gwprobe.tunnel_open(ctx, cookie[0][1], "alice")
    buf = bytearray()
    check("HTTPS tunnel opened",
          gwprobe.read_exact(t, 12, buf) == b"START_TUNNEL")
    time.sleep(0.2)
    check("the HTTPS tunnel killed the ESP keys (no answer)",
          not ping_ok(esp, k2[0], k2[1], tip, 12))
    t.close()
    k3 = sas(getconfig(c, cookie))
    check("the next getconfig brings ESP back",
          k3 is not None and ping_ok(esp, k3[0], k3[1], tip, 13))
    c.post("/ssl-vpn/logout.esp", cookie)
    check("logout kills the keys too",
          not ping_ok(esp, k3[0], k3[1], tip, 14))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
