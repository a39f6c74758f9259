# SPDX-License-Identifier: ISC
"""Authentication modes of the test gateway (gpgw.py): 2FA challenges
(PROTOCOL.md §5.5), a required TLS client certificate (§2) and a required
HIP report (§11). Test code: requests are untrusted and checked, and what
the gateway saw goes to the JSON event log for the tests to assert on.
"""
import hashlib
import secrets
import ssl
import urllib.parse
import xml.etree.ElementTree as ET

CERT_REQUIRED_TEXT = "Valid client certificate is required"
# The OTP of 2FA round k (1-based): the tests know it too.
OTP_FMT = "otp-%d"
HIP_REPORT_MAX_BYTES = 256 * 1024


def add_args(p):
    g = p.add_argument_group("authentication (gpauthx.py)")
    g.add_argument("--2fa", dest="twofa", choices=("xml", "js", "html"),
                   help="challenge after the password, in this syntax; "
                   "round k expects the OTP 'otp-k'")
    g.add_argument("--2fa-rounds", dest="twofa_rounds", type=int,
                   default=1, metavar="N",
                   help="challenge rounds (0: never stop challenging)")
    g.add_argument("--2fa-at", dest="twofa_at", default="gateway",
                   choices=("gateway", "portal"),
                   help="where --2fa challenges: the gateway login or "
                   "the portal getconfig (PROTOCOL.md §4.1)")
    g.add_argument("--client-cert-required", metavar="CA",
                   help="ask for a TLS client certificate, verify it "
                   "against CA; login without one answers '%s'"
                   % CERT_REQUIRED_TEXT)
    g.add_argument("--hip-required", action="store_true",
                   help="hipreportcheck says yes until a report with the "
                   "right md5 arrives")
    g.add_argument("--hip-every-check", action="store_true",
                   help="with --hip-required: every hipreportcheck says "
                   "yes, even after a good report")


def modes(opts):
    return [m for m in ("twofa", "client_cert_required", "hip_required")
            if getattr(opts, m)]


def setup_tls(ctx, opts):
    if opts.client_cert_required:
        ctx.load_verify_locations(opts.client_cert_required)
        ctx.verify_mode = ssl.CERT_OPTIONAL


class AuthX:
    def __init__(self, opts):
        self.opts = opts
        self.pending = {}  # inputStr -> (user, round done)
        self.hip_ok = set()  # authcookies with a valid report

    # ---- login ----

    def login_gate(self, gw, req, conn, reply_cls, error_xml, form_get):
        """None: go on with the password check; True: credentials
        verified here; a Reply: answer it."""
        o = self.opts
        if o.client_cert_required:
            cert = conn.sock.getpeercert() if conn.sock else None
            if not cert:
                return reply_cls(200, error_xml(CERT_REQUIRED_TEXT),
                                 client_cert=False)
            subj = dict(x[0] for x in cert.get("subject", ()))
            gw.log.write({"event": "client_cert",
                          "cn": subj.get("commonName"),
                          "serial": cert.get("serialNumber")})
        if not o.twofa or o.twofa_at != "gateway":
            return None
        return self.twofa_gate(gw, req, reply_cls, error_xml, form_get)

    def twofa_gate(self, gw, req, reply_cls, error_xml, form_get):
        """--2fa: True when the last OTP was right, else a Reply."""
        o = self.opts
        f = req.form
        user = form_get(f, "user")
        pw = form_get(f, "passwd")
        istr = form_get(f, "inputStr")
        if istr is None:
            if user != o.user or pw != o.password:
                return reply_cls(512, error_xml("Invalid username or "
                                                "password"), passwd_ok=False)
            return self.challenge(reply_cls, user, 1)
        st = self.pending.pop(istr, None)
        if st is None or st[0] != user:
            return reply_cls(512, error_xml("Invalid challenge"),
                             challenge_ok=False, inputstr_ok=False)
        k = st[1]
        if pw != OTP_FMT % k:
            return reply_cls(512, error_xml("Invalid OTP"),
                             challenge_ok=False, inputstr_ok=True, round=k)
        if o.twofa_rounds == 0 or k < o.twofa_rounds:
            return self.challenge(reply_cls, user, k + 1)
        gw.log.write({"event": "2fa_done", "rounds": k, "syntax": o.twofa,
                      "at": o.twofa_at})
        return True

    def challenge(self, reply_cls, user, k):
        istr = "%d-%s" % (k, secrets.token_hex(8))
        self.pending[istr] = (user, k)
        # The unescaped & of PROTOCOL.md §2 in the XML prompt.
        msg = "Enter OTP #%d & press <Enter>, 'now'" % k
        syn = self.opts.twofa
        if syn == "xml":
            body = ("<challenge><user>%s</user><inputstr>%s</inputstr>"
                    "<respmsg>%s</respmsg></challenge>"
                    % (xml_esc(user), xml_esc(istr),
                       msg.replace("<", "&lt;").replace(">", "&gt;")))
            ctype = "application/xml; charset=UTF-8"
        else:
            js = ('var respStatus = "Challenge";\n'
                  'var respMsg = "%s\\n(round %d)";\n'
                  'thisForm.inputStr.value = "%s";\n'
                  % (js_esc(msg), k, js_esc(istr)))
            if syn == "html":
                js = ("<html><head></head><body>%s</body></html>"
                      % html_esc(js))
                ctype = "text/html"
            else:
                ctype = "application/javascript"
            body = js
        return reply_cls(200, body, ctype=ctype, challenge_round=k,
                         challenge_syntax=syn)

    # ---- HIP ----

    @staticmethod
    def hip_md5(s):
        text = "portal=%s&user=%s&domain=%s&computer=%s" % tuple(
            form_enc(v) for v in (s.portal, s.user, s.domain, s.computer))
        return hashlib.md5(text.encode()).hexdigest()

    def hip_needed(self, s):
        if self.opts.hip_every_check:
            return self.opts.hip_required
        return self.opts.hip_required and s.authcookie not in self.hip_ok

    def hip_report(self, s, form, form_get):
        """Check a hipreport.esp form; returns what the log records."""
        info = {"hip_expected_md5": self.hip_md5(s)}
        rep = form_get(form, "report")
        if rep is None or len(rep) > HIP_REPORT_MAX_BYTES:
            info["hip_valid"] = False
            info["hip_error"] = "no report or too large"
            return info
        try:
            root = ET.fromstring(rep)
        except ET.ParseError as e:
            info["hip_valid"] = False
            info["hip_error"] = "XML: %s" % e
            return info
        fields = {}
        for tag in ("md5-sum", "user-name", "domain", "host-name",
                    "ip-address", "ipv6-address", "generate-time",
                    "hip-report-version"):
            el = root.find(tag)
            fields[tag] = el.text if el is not None else None
        hi = root.find("categories/entry[@name='host-info']")
        if hi is not None:
            for tag in ("client-version", "os", "os-vendor", "host-name"):
                el = hi.find(tag)
                fields["host-info/" + tag] = el.text if el is not None \
                    else None
            ifs = hi.findall("network-interface/entry")
            fields["interfaces"] = [e.get("name") for e in ifs]
            fields["macs"] = [(e.findtext("mac-address") or "")
                              for e in ifs]
        info["hip_root"] = root.tag
        info["hip_fields"] = fields
        ok = root.tag == "hip-report" and \
            fields["md5-sum"] == info["hip_expected_md5"] and \
            fields["user-name"] == s.user
        info["hip_valid"] = ok
        if ok:
            self.hip_ok.add(s.authcookie)
        return info


def form_enc(v):
    """PROTOCOL.md §2: alnum and -_.~ literal, the rest as lowercase %xx."""
    out = []
    for b in v.encode():
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-_.~"):
            out.append(c)
        else:
            out.append("%%%02x" % b)
    return "".join(out)


def xml_esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


def js_esc(s):
    return s.replace("\\", "\\\\").replace('"', '\\"')


def html_esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#x27;"))


def unquote(s):
    return urllib.parse.unquote(s)
