#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""gpesp: the test gateway's own ESP (PROTOCOL.md §7), in Python.

One Sa per direction: AES-CBC (cryptography) and truncated HMAC (hashlib),
sequence numbers from 0, a fresh random IV per packet, and on the way in
the checks in the order length, ICV (hmac.compare_digest, before any
decryption), replay (64-packet window), decrypt, padding, next header.
It shares no code with the client on purpose. Also the magic ping (§7.7)
recogniser and the echo reply builder. `gpesp.py --selftest` checks it
against the §7.6 test vector.
"""

import hashlib
import hmac
import ipaddress
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HDR_BYTES = 8  # SPI + sequence number
IV_BYTES = 16
BLOCK_BYTES = 16
REPLAY_WINDOW = 64
NH_IPV4 = 4
NH_IPV6 = 41
# §7.3: name -> key bytes.
ENC_KEY_BYTES = {"aes-128-cbc": 16, "aes128": 16, "aes-256-cbc": 32}
# name -> (hash, key bytes, ICV bytes).
MAC_ALGS = {"md5": (hashlib.md5, 16, 12), "sha1": (hashlib.sha1, 20, 12),
            "sha256": (hashlib.sha256, 32, 16)}
MAGIC = b"monitor\x00\x00pan ha "  # §7.7, 16 bytes

DROP_REASONS = ("short", "spi", "icv", "replay", "pad", "nexthdr")


def enc_canon(name):
    """aes128 is another spelling of aes-128-cbc (§6.2)."""
    return "aes-128-cbc" if name == "aes128" else name


class Sa:
    """One direction of a security association."""

    def __init__(self, spi, enc, ekey, mac, akey):
        if enc not in ENC_KEY_BYTES or len(ekey) != ENC_KEY_BYTES[enc]:
            raise ValueError("bad encryption algorithm or key length")
        if mac not in MAC_ALGS or len(akey) != MAC_ALGS[mac][1]:
            raise ValueError("bad hmac algorithm or key length")
        self.spi = spi
        self.ekey = ekey
        self.hash = MAC_ALGS[mac][0]
        self.akey = akey
        self.icv_len = MAC_ALGS[mac][2]
        self.seq = 0  # next outbound sequence number (§7.5: from 0)
        self.top = None  # highest inbound sequence number accepted
        self.bitmap = 0  # bit i: top - i was accepted

    def icv(self, data):
        return hmac.new(self.akey, data, self.hash).digest()[:self.icv_len]

    # ---- outbound ----

    def encrypt(self, inner, iv=None, bad_pad=False):
        """The datagram carrying the inner IP packet; bad_pad writes a
        padding of zeros 16 bytes too long (a test of the peer)."""
        nh = NH_IPV6 if inner[0] >> 4 == 6 else NH_IPV4
        pad = 15 - ((len(inner) + 1) % 16)
        padding = bytes(range(1, pad + 1))
        if bad_pad:
            pad += 16
            padding = bytes(pad)
        plain = inner + padding + bytes((pad, nh))
        iv = iv if iv is not None else os.urandom(IV_BYTES)
        enc = Cipher(algorithms.AES(self.ekey), modes.CBC(iv)).encryptor()
        head = struct.pack(">II", self.spi, self.seq) + iv
        self.seq = (self.seq + 1) & 0xFFFFFFFF
        body = head + enc.update(plain) + enc.finalize()
        return body + self.icv(body)

    # ---- inbound ----

    def replay_ok(self, seq):
        if self.top is None or seq > self.top:
            return True
        off = self.top - seq
        return off < REPLAY_WINDOW and not self.bitmap >> off & 1

    def replay_mark(self, seq):
        mask = (1 << REPLAY_WINDOW) - 1
        if self.top is None:
            self.top, self.bitmap = seq, 1
        elif seq > self.top:
            shift = seq - self.top
            self.bitmap = (self.bitmap << shift) & mask \
                if shift < REPLAY_WINDOW else 0
            self.bitmap |= 1
            self.top = seq
        else:
            self.bitmap |= 1 << (self.top - seq)

    def decrypt(self, dgram):
        """(inner packet, None) or (None, drop reason). The caller has
        matched the SPI already."""
        n = len(dgram) - HDR_BYTES - IV_BYTES - self.icv_len
        if n <= 0 or n % BLOCK_BYTES:
            return None, "short"
        body, icv = dgram[:-self.icv_len], dgram[-self.icv_len:]
        if not hmac.compare_digest(self.icv(body), icv):
            return None, "icv"
        seq = struct.unpack(">I", dgram[4:8])[0]
        if not self.replay_ok(seq):
            return None, "replay"
        iv = dgram[HDR_BYTES:HDR_BYTES + IV_BYTES]
        dec = Cipher(algorithms.AES(self.ekey), modes.CBC(iv)).decryptor()
        plain = dec.update(body[HDR_BYTES + IV_BYTES:]) + dec.finalize()
        pad, nh = plain[-2], plain[-1]
        if pad + 2 > len(plain) or \
                plain[-2 - pad:-2] != bytes(range(1, pad + 1)):
            return None, "pad"
        inner = plain[:-2 - pad]
        want = {4: NH_IPV4, 6: NH_IPV6}.get(inner[0] >> 4 if inner else 0)
        if nh != want:
            return None, "nexthdr"
        self.replay_mark(seq)
        return inner, None


def spi_of(dgram):
    return struct.unpack(">I", dgram[:4])[0] if len(dgram) >= 4 else None


# ---- the magic ping (§7.7) ----

def csum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def magic_reply(pkt, gw4, gw6):
    """The echo reply to a magic ping addressed to gw4 (packed 4 bytes)
    or gw6 (16 bytes), or None if pkt is not one."""
    if len(pkt) >= 20 and pkt[0] >> 4 == 4:
        return magic_reply4(pkt, gw4)
    if len(pkt) >= 40 and pkt[0] >> 4 == 6:
        return magic_reply6(pkt, gw6)
    return None


def magic_reply4(pkt, gw4):
    ihl = (pkt[0] & 15) * 4
    if gw4 is None or ihl < 20 or pkt[9] != 1 or pkt[16:20] != gw4:
        return None
    icmp = pkt[ihl:]
    if len(icmp) < 8 + len(MAGIC) or icmp[0] != 8 or \
            icmp[8:8 + len(MAGIC)] != MAGIC:
        return None
    rep = bytearray(icmp)
    rep[0] = 0
    rep[2:4] = b"\x00\x00"
    rep[2:4] = struct.pack(">H", csum(bytes(rep)))
    ip = bytearray(pkt[:20])
    ip[0] = 0x45
    ip[2:4] = struct.pack(">H", 20 + len(rep))
    ip[8] = 64
    ip[10:12] = b"\x00\x00"
    ip[12:16], ip[16:20] = pkt[16:20], pkt[12:16]
    ip[10:12] = struct.pack(">H", csum(bytes(ip)))
    return bytes(ip) + bytes(rep)


def magic_reply6(pkt, gw6):
    if gw6 is None or pkt[6] != 58 or pkt[24:40] != gw6:
        return None
    plen = struct.unpack(">H", pkt[4:6])[0]
    icmp = pkt[40:40 + plen]
    if len(icmp) != plen or len(icmp) < 8 + len(MAGIC) or \
            icmp[0] != 128 or icmp[8:8 + len(MAGIC)] != MAGIC:
        return None
    src, dst = pkt[24:40], pkt[8:24]
    rep = bytearray(icmp)
    rep[0] = 129
    rep[2:4] = b"\x00\x00"
    pseudo = src + dst + struct.pack(">I3xB", len(rep), 58)
    rep[2:4] = struct.pack(">H", csum(pseudo + bytes(rep)))
    ip = bytearray(pkt[:40])
    ip[7] = 64
    ip[8:24], ip[24:40] = src, dst
    return bytes(ip) + bytes(rep)


def magic_ping4(src, dst, seq):
    """A §7.7 IPv4 probe (for the self-test and tools)."""
    icmp = bytearray(struct.pack(">BBHHH", 8, 0, 0, 0x4747, seq) + MAGIC)
    icmp[2:4] = struct.pack(">H", csum(bytes(icmp)))
    ip = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp),
                               0x4747, 0x4000, 64, 1, 0,
                               ipaddress.IPv4Address(src).packed,
                               ipaddress.IPv4Address(dst).packed))
    ip[10:12] = struct.pack(">H", csum(bytes(ip)))
    return bytes(ip) + bytes(icmp)


# ---- self-test: PROTOCOL.md §7.6 ----

VECTOR_DGRAM = bytes.fromhex(
    "a5a5a5a5" "00000000" "2d8a37e7a3a59902392d625c2294162c"
    "bce8a6619d94096d3c6a42c0874f4e4e8cd07ab291f48a6690a0dae77c5a6996"
    "9d59581abfe385a260f8a89e3018fe1f" "82f10c14e01c144bd0ca5184")
VECTOR_INNER = bytes.fromhex(
    "4500002c474740004001acdec0a807027f000001" "08000b0947470000"
    "6d6f6e69746f72000070616e20686120")


def selftest():
    ekey = bytes.fromhex("deadbeefdeadbeefdeadbeefdeadbee1")
    akey = bytes.fromhex("deadbeefdeadbeefdeadbeefdeadbeefdeadbee1")
    fails = 0

    def t(desc, cond):
        nonlocal fails
        print("%s - gpesp: %s" % ("ok" if cond else "not ok", desc))
        fails += 0 if cond else 1

    out = Sa(0xA5A5A5A5, "aes-128-cbc", ekey, "sha1", akey)
    got = out.encrypt(VECTOR_INNER, iv=VECTOR_DGRAM[8:24])
    t("§7.6 datagram reproduced byte for byte", got == VECTOR_DGRAM)
    t("§7.6 inner packet is our magic ping",
      magic_ping4("192.168.7.2", "127.0.0.1", 0) == VECTOR_INNER)
    inb = Sa(0xA5A5A5A5, "aes-128-cbc", ekey, "sha1", akey)
    inner, why = inb.decrypt(VECTOR_DGRAM)
    t("§7.6 datagram decrypts to the ping", inner == VECTOR_INNER)
    t("the same datagram again is a replay",
      inb.decrypt(VECTOR_DGRAM) == (None, "replay"))
    bad = bytearray(VECTOR_DGRAM)
    bad[-1] ^= 1
    t("a flipped ICV bit is an icv drop",
      Sa(0xA5A5A5A5, "aes-128-cbc", ekey, "sha1", akey).decrypt(
          bytes(bad)) == (None, "icv"))
    rep = magic_reply(VECTOR_INNER, bytes([127, 0, 0, 1]), None)
    t("magic reply: type 0, addresses swapped, checksums valid",
      rep is not None and rep[20] == 0 and csum(rep[:20]) == 0 and
      csum(rep[20:]) == 0 and rep[12:16] == bytes([127, 0, 0, 1]))
    for enc in ("aes-128-cbc", "aes-256-cbc"):
        for mac, (_, alen, _) in MAC_ALGS.items():
            ek, ak = os.urandom(ENC_KEY_BYTES[enc]), os.urandom(alen)
            a, b = Sa(1, enc, ek, mac, ak), Sa(1, enc, ek, mac, ak)
            ok = all(b.decrypt(a.encrypt(VECTOR_INNER + bytes(n)))[0] ==
                     VECTOR_INNER + bytes(n) for n in range(17))
            p = Sa(1, enc, ek, mac, ak).decrypt(
                Sa(1, enc, ek, mac, ak).encrypt(VECTOR_INNER, bad_pad=True))
            t("%s/%s round trip, bad padding caught" % (enc, mac),
              ok and p == (None, "pad"))
    w = Sa(1, "aes-128-cbc", ekey, "sha1", akey)
    for s in (5, 3, 70):
        w.replay_mark(s)
    t("replay window: 64 back accepted, 65 back and seen refused",
      w.replay_ok(7) and not w.replay_ok(6) and not w.replay_ok(70)
      and w.replay_ok(69))
    return 1 if fails else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--selftest"]:
        sys.exit(selftest())
    print("usage: gpesp.py --selftest", file=sys.stderr)
    sys.exit(64)
