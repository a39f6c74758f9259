# SPDX-License-Identifier: ISC
"""gphttp: how gpgw.py frames and encodes its HTTP answers, and the cookie
shapes it hands out, for tests of clients against servers that speak HTTP
in all its legal forms (issue 9). Used by gpgw.py only; standard library.

Switches (add_args): --chunked, --gzip, --deflate, --connection-close,
--http10, --require-cookie, --gzip-bomb, --authcookie-len,
--authcookie-alphabet. Compression follows the request's Accept-Encoding,
as real servers do; the bomb does not, as a hostile one would not.
"""

import base64
import gzip
import secrets
import string
import threading
import zlib

REQ_COOKIE = "GPGWREQ"  # --require-cookie
CHUNK_SIZES = (1, 97, 4096)  # --chunked: sizes in turn, then the rest
BOMB_BYTES = 1 << 30  # --gzip-bomb: 1 GiB of zeros before gzip
BOMB_STEP_BYTES = 1 << 20
ALPHABETS = {
    "hex": "0123456789abcdef",
    "base64": string.ascii_letters + string.digits + "+/",
    "base64url": string.ascii_letters + string.digits + "-_",
}


def add_args(p):
    g = p.add_argument_group("HTTP forms (gphttp.py)")
    g.add_argument("--chunked", action="store_true",
                   help="Transfer-Encoding: chunked, no Content-Length")
    g.add_argument("--gzip", action="store_true",
                   help="gzip bodies when Accept-Encoding lists gzip")
    g.add_argument("--deflate", action="store_true",
                   help="zlib-deflate bodies when Accept-Encoding lists "
                   "deflate (after gzip)")
    g.add_argument("--connection-close", action="store_true",
                   help="Connection: close and a close after each answer")
    g.add_argument("--http10", action="store_true",
                   help="HTTP/1.0 answers without Content-Length; the "
                   "close ends the body")
    g.add_argument("--require-cookie", action="store_true",
                   help="the first prelogin (the portal's with --portal) "
                   "sets %s; portal getconfig, login and getconfig are "
                   "refused (403) without it" % REQ_COOKIE)
    g.add_argument("--gzip-bomb", action="store_true",
                   help="prelogin answers 1 GiB of zeros, gzipped "
                   "(Accept-Encoding or not)")
    c = p.add_argument_group("cookie sizes (gphttp.py)")
    c.add_argument("--authcookie-len", type=int, default=32, metavar="N",
                   help="authcookie length in characters (default 32)")
    c.add_argument("--authcookie-alphabet", default="hex",
                   choices=sorted(ALPHABETS),
                   help="its characters (default hex); base64 ends "
                   "in '=' padding as base64 does")


def modes(opts):
    m = [k for k in ("chunked", "gzip", "deflate", "connection_close",
                     "http10", "require_cookie", "gzip_bomb")
         if getattr(opts, k)]
    if opts.authcookie_len != 32 or opts.authcookie_alphabet != "hex":
        m.append("authcookie %s x %d" % (opts.authcookie_alphabet,
                                         opts.authcookie_len))
    return m


def new_authcookie(opts):
    n = opts.authcookie_len
    if opts.authcookie_alphabet == "base64":
        # Real base64: of n // 4 * 3 random bytes, padded; cut to n.
        raw = base64.b64encode(secrets.token_bytes(n // 4 * 3 + 3))
        s = raw.decode()[:n]
        return s[:-2] + "==" if n >= 4 else s
    a = ALPHABETS[opts.authcookie_alphabet]
    return "".join(secrets.choice(a) for _ in range(n))


def make_bomb():
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(BOMB_STEP_BYTES)
    parts = [c.compress(zeros) for _ in range(BOMB_BYTES // BOMB_STEP_BYTES)]
    parts.append(c.flush())
    return b"".join(parts)


def accepted(req, coding):
    """coding is listed in Accept-Encoding with a q-value above 0."""
    for item in (req.header("accept-encoding") or "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() != coding:
            continue
        q = params.strip().lower()
        return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False


def encode(opts, req, rep):
    """Compress rep.body as the switches and the client allow; returns
    the Content-Encoding used, or None."""
    if getattr(rep, "bomb", False):
        return "gzip"
    if opts.gzip and accepted(req, "gzip"):
        rep.body = gzip.compress(rep.body)
        return "gzip"
    if opts.deflate and accepted(req, "deflate"):
        rep.body = zlib.compress(rep.body)
        return "deflate"
    return None


def chunks(body):
    """The chunked form of body, as a list of writes (one per chunk)."""
    out, i, k = [], 0, 0
    while i < len(body):
        n = CHUNK_SIZES[k] if k < len(CHUNK_SIZES) else len(body) - i
        piece = body[i:i + n]
        out.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
        i += len(piece)
        k += 1
    out.append(b"0\r\n\r\n")
    return out


def head_and_body(opts, rep, reason, close, cookies):
    """The header lines and the body writes of one answer."""
    version = "HTTP/1.0" if opts.http10 else "HTTP/1.1"
    head = ["%s %d %s" % (version, rep.status, reason),
            "Content-Type: " + rep.ctype]
    if rep.encoding:
        head.append("Content-Encoding: " + rep.encoding)
    writes = [rep.body]
    if opts.http10:
        pass  # the close ends the body
    elif opts.chunked:
        head.append("Transfer-Encoding: chunked")
        writes = chunks(rep.body)
    else:
        head.append("Content-Length: %d" % len(rep.body))
    head.append("Cache-Control: no-store")
    for name, value in cookies:
        head.append("Set-Cookie: %s=%s; Path=/; Secure; HttpOnly"
                    % (name, value))
    if close:
        head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode(), writes


def must_close(opts):
    return opts.connection_close or opts.http10


class RequireCookie:
    """--require-cookie: the tokens handed out at the first prelogin."""

    def __init__(self, opts):
        self.opts = opts
        self.lock = threading.Lock()
        self.tokens = set()

    def sets_at(self, iface):
        """Only the flow's first prelogin sets it: the portal's when there
        is a portal, so a gateway on the same host must get it back."""
        if not self.opts.require_cookie:
            return False
        return iface == ("portal" if self.opts.portal else "gateway")

    def state(self, req):
        tok = req.cookies().get(REQ_COOKIE)
        if tok is None:
            return "missing"
        with self.lock:
            return "ok" if tok in self.tokens else "unknown"

    def give(self, req, rep):
        """At the first prelogin: a token unless the client has ours."""
        if self.state(req) == "ok":
            return
        tok = secrets.token_hex(16)
        with self.lock:
            self.tokens.add(tok)
        rep.cookies.append((REQ_COOKIE, tok))

    def refuse(self, req):
        """None, or why this request must be refused."""
        if not self.opts.require_cookie:
            return None
        st = self.state(req)
        return None if st == "ok" else "%s %s" % (REQ_COOKIE, st)
