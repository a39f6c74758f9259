# SPDX-License-Identifier: ISC
"""Portal and SAML modes of the test gateway (gpgw.py), PROTOCOL.md
§3-§4: a portal with several gateways and region priorities, a portal
cookie (portal-userauthcookie) good for the gateway login, SAML prelogin
answers and logins with a SAML cookie, server error texts (§2). Test code:
requests are untrusted and only compared; the logs redact the secrets.
"""
import base64
import secrets
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

SAML_FIELDS = ("prelogin-cookie", "portal-userauthcookie")
# What a hostile portal pushes (THREATS.md 13): clients must ignore it.
PUSHED = ("<root-ca><entry name=\"evil\"><cert>MIIB</cert>"
          "<install-in-cert-store>yes</install-in-cert-store></entry>"
          "</root-ca><agent-ui><passcode>1234</passcode>"
          "<uninstall-passwd>x</uninstall-passwd></agent-ui>"
          "<client-upgrade>https://evil.invalid/setup.msi</client-upgrade>"
          "<scripts><pre-vpn-connect><command>touch /tmp/gpvpn-pwned"
          "</command></pre-vpn-connect></scripts>")


def add_args(p):
    g = p.add_argument_group("portal and SAML (gpportal.py)")
    g.add_argument("--portal-gateway", action="append", default=[],
                   metavar="NAME|DESC|RULES",
                   help="a gateway in the portal's list (repeatable; "
                   "needs --portal): NAME is HOST[:PORT], RULES is "
                   "REGION=PRIO,... e.g. 'Any=5,Earth=1'")
    g.add_argument("--portal-cookie", action="store_true",
                   help="the portal hands out a portal-userauthcookie "
                   "that the gateway login accepts instead of the "
                   "password")
    g.add_argument("--portal-cookie-only", action="store_true",
                   help="the gateway login wants the portal cookie (a "
                   "password alone gets 512)")
    g.add_argument("--portal-version", default="6.3.0-33",
                   help="<version> in the portal config")
    g.add_argument("--portal-hip-interval", type=int, metavar="S",
                   help="<hip-collection><hip-report-interval> in the "
                   "portal config (PROTOCOL.md §4.2)")
    g.add_argument("--portal-push", action="store_true",
                   help="the portal config also pushes a root CA, "
                   "scripts, an installer URL and passcodes")
    g.add_argument("--portal-sloppy-xml", action="store_true",
                   help="mismatched end tag in the portal config (§2)")
    g.add_argument("--saml", choices=SAML_FIELDS,
                   help="prelogin asks for SAML; login takes user + this "
                   "cookie field (value: --saml-cookie-file)")
    g.add_argument("--saml-at", choices=("portal", "gateway"),
                   default="gateway")
    g.add_argument("--saml-cookie-file", metavar="FILE",
                   help="first line: the SAML cookie the server accepts")
    g.add_argument("--saml-method", choices=("REDIRECT", "POST"),
                   default="REDIRECT")
    g.add_argument("--saml-url", default="https://idp.gpvpn.test/sso?id=1",
                   help="what saml-request decodes to (REDIRECT), or the "
                   "form action (POST)")
    g.add_argument("--login-needs-jar", action="store_true",
                   help="a gateway login without our HTTP cookie (no "
                   "gateway prelogin before it) gets 512")
    g.add_argument("--login-error", metavar="TEXT",
                   help="answer every gateway login with this error")
    g.add_argument("--login-status", type=int, metavar="N",
                   help="answer every gateway login with HTTP status N "
                   "and an HTML page, as a broken gateway does (e.g. "
                   "500)")


def modes(opts):
    return [m for m in ("portal_cookie", "portal_push", "saml",
                        "login_error", "login_status") if getattr(opts, m)]


class PortalX:
    def __init__(self, opts):
        self.opts = opts
        self.cookies = {}   # portal-userauthcookie -> user
        self.saml_cookie = None
        if opts.saml_cookie_file:
            with open(opts.saml_cookie_file, encoding="utf-8") as fp:
                self.saml_cookie = fp.readline().rstrip("\r\n")

    # ---- prelogin ----

    def prelogin_extra(self, iface):
        o = self.opts
        if not o.saml or o.saml_at != iface:
            return ""
        if o.saml_method == "REDIRECT":
            req = o.saml_url
        else:
            req = ("<html><body><form method=\"POST\" action=%s>"
                   "<input type=\"hidden\" name=\"SAMLRequest\" "
                   "value=\"x\"/></form></body></html>"
                   % quoteattr(o.saml_url))
        b64 = base64.b64encode(req.encode()).decode()
        return ("<saml-auth-method>%s</saml-auth-method>"
                "<saml-request>%s</saml-request>"
                "<saml-request-timeout>600</saml-request-timeout>"
                % (o.saml_method, b64))

    # ---- credentials ----

    def saml_ok(self, iface, form, form_get):
        o = self.opts
        if not o.saml or o.saml_at != iface or self.saml_cookie is None:
            return False
        return form_get(form, o.saml) == self.saml_cookie

    def creds_ok(self, iface, form, form_get):
        o = self.opts
        if form_get(form, "user") != o.user:
            return False
        if o.saml and o.saml_at == iface:
            return self.saml_ok(iface, form, form_get)
        return form_get(form, "passwd") == o.password

    # ---- portal getconfig ----

    def gateways(self):
        o = self.opts
        specs = o.portal_gateway or ["%s|gpvpn test gateway|Any=1"
                                     % o.gateway_name]
        out = []
        for spec in specs:
            name, desc, rules = (spec.split("|") + ["", ""])[:3]
            rx = ""
            for r in filter(None, rules.split(",")):
                reg, _, prio = r.partition("=")
                rx += ('<entry name=%s><priority>%s</priority></entry>'
                       % (quoteattr(reg), xml_escape(prio)))
            out.append('<entry name=%s><priority-rule>%s</priority-rule>'
                       '<priority>1</priority><description>%s'
                       '</description></entry>'
                       % (quoteattr(name), rx, xml_escape(desc or name)))
        return "".join(out)

    def portal_config(self, req, reply_cls, error_xml, form_get,
                      verified=False):
        """verified: the credentials were checked already (2FA at the
        portal, gpauthx.py)."""
        o = self.opts
        if not verified and not self.creds_ok("portal", req.form, form_get):
            return reply_cls(512, error_xml("Invalid username or password"),
                             passwd_ok=False)
        cookie = "empty"
        if o.portal_cookie or (o.saml == "portal-userauthcookie" and
                               o.saml_at == "portal"):
            cookie = secrets.token_hex(16)
            self.cookies[cookie] = o.user
        name = "<portal-name>gpvpn-portal</portal-name>"
        hip = ""
        if o.portal_hip_interval is not None:
            hip = ("<hip-collection><hip-report-interval>%d"
                   "</hip-report-interval></hip-collection>"
                   % o.portal_hip_interval)
        if o.portal_sloppy_xml:
            name = "<portal-name>gpvpn-portal</portal-nmae>"
        body = ("<policy>%s<version>%s</version>"
                "<portal-userauthcookie>%s</portal-userauthcookie>"
                "<portal-prelogonuserauthcookie>empty"
                "</portal-prelogonuserauthcookie>%s%s"
                "<gateways><external><list>%s</list></external>"
                "</gateways></policy>"
                % (name, xml_escape(o.portal_version), cookie,
                   PUSHED if o.portal_push else "", hip, self.gateways()))
        return reply_cls(200, '<?xml version="1.0" encoding="UTF-8" ?>\n'
                         + body + "\n", passwd_ok=True,
                         portal_cookie_issued=cookie != "empty")

    # ---- gateway login ----

    def login_gate(self, req, jar, reply_cls, error_xml, form_get):
        """None: the usual password check; True: accepted here; a Reply:
        answer it."""
        o = self.opts
        f = req.form
        if o.login_error:
            return reply_cls(200, error_xml(o.login_error))
        if o.login_status:
            return reply_cls(o.login_status, "<html><body><h1>Internal "
                             "error</h1></body></html>\n",
                             ctype="text/html; charset=UTF-8")
        if o.login_needs_jar and jar is None:
            return reply_cls(512, error_xml("Invalid username or password"),
                             passwd_ok=False, jar_ok=False)
        pc = form_get(f, "portal-userauthcookie")
        if pc is not None and pc in self.cookies and \
                self.cookies[pc] == form_get(f, "user"):
            return True
        if o.portal_cookie_only:
            return reply_cls(512, error_xml("Invalid username or password"),
                             passwd_ok=False, portal_cookie_ok=False)
        if o.saml and o.saml_at == "gateway":
            if self.creds_ok("gateway", f, form_get):
                return True
            return reply_cls(512, error_xml("Invalid username or password"),
                             passwd_ok=False, saml_ok=False)
        return None
