/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the session record's text (tunnel/record.c) and the
 * keys' time left (tunnel/keylife.c): a record formats and parses back
 * the same, and every kind of bad record is refused with a reason.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/t.h"
#include "tunnel/keylife.h"
#include "tunnel/record.h"

static const char good[] =
    "gpvpn-record 1\n"
    "script /usr/share/vpnc-scripts/vpnc-script\n"
    "env PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
    "env reason=disconnect\n"
    "env VPNPID=42\n"
    "env TUNDEV=gptun0\n"
    "env INTERNAL_IP4_ADDRESS=198.18.128.10\n"
    "end\n";

static int
parse(const char *text, struct record *r, struct gp_err *e)
{
	return record_parse(text, strlen(text), r, e);
}

static void
test_round_trip(void)
{
	struct record r, again;
	struct gp_err e = { "" };
	char out[RECORD_MAX_BYTES];
	int n;

	T_CHECK(parse(good, &r, &e) == 0);
	T_STREQ(r.script, "/usr/share/vpnc-scripts/vpnc-script");
	T_STREQ(r.ifname, "gptun0");
	T_CHECK(r.env.n == 5);
	T_STREQ(r.env.vars[1], "reason=disconnect");
	T_CHECK(r.env.vars[5] == NULL);
	n = record_format(out, sizeof(out), r.script, &r.env, &e);
	T_CHECK(n == (int)strlen(good));
	T_CHECK(n > 0 && memcmp(out, good, (size_t)n) == 0);
	T_CHECK(record_parse(out, (size_t)n, &again, &e) == 0);
	record_free(&again);
	T_CHECK(record_format(out, 40, r.script, &r.env, &e) == -1);
	record_free(&r);
}

static void
refused(const char *text, const char *why)
{
	struct record r;
	struct gp_err e = { "" };

	T_CHECK(parse(text, &r, &e) == -1);
	if (strstr(e.msg, why) == NULL) {
		fprintf(stderr, "  want `%s' in `%s'\n", why, e.msg);
		t_failed_now = 1;
	}
	T_CHECK(r.env.n == 0 && r.script[0] == '\0');
}

static void
test_refused(void)
{
	refused("", "no `end'");
	refused("gpvpn-record 2\nend\n", "not a record");
	refused("gpvpn-record 1\nscript /s\nenv reason=connect\n"
	    "env TUNDEV=tun0\nend\n", "not reason=disconnect");
	refused("gpvpn-record 1\nscript /s\nenv reason=disconnect\n"
	    "env TUNDEV=tun0\nenv TUNDEV=eth0\nend\n", "second");
	refused("gpvpn-record 1\nscript /s\nenv reason=disconnect\n"
	    "env TUNDEV=tun0\nenv X=a;reboot\nend\n", "bad variable");
	refused("gpvpn-record 1\nscript /s\nenv reason=disconnect\n"
	    "env TUNDEV=tun0\nenv 1X=a\nend\n", "bad variable");
	refused("gpvpn-record 1\nscript /s\nenv reason=disconnect\n"
	    "env TUNDEV=../x\nend\n", "TUNDEV");
	refused("gpvpn-record 1\nscript /s\nenv reason=disconnect\n"
	    "env TUNDEV=tun0\n", "cut short");
	refused("gpvpn-record 1\nscript /s\nenv reason=disconnect\n"
	    "env TUNDEV=tun0\nend\nx", "after `end'");
	refused("gpvpn-record 1\nscript /s\nscript /t\nenv reason=disconnect"
	    "\nenv TUNDEV=tun0\nend\n", "bad script");
	refused("gpvpn-record 1\nenv reason=disconnect\nenv TUNDEV=tun0\n"
	    "end\n", "no script");
	refused("gpvpn-record 1\nscript /s\nenv TUNDEV=tun0\nend\n",
	    "reason");
	refused("gpvpn-record 1\nrun /s\nend\n", "unknown");
}

static void
test_too_many(void)
{
	char *t = malloc(RECORD_MAX_BYTES * 2);
	size_t off = 0;
	unsigned i;

	T_CHECK(t != NULL);
	if (t == NULL)
		return;
	off += (size_t)snprintf(t, 64, "gpvpn-record 1\nscript /s\n");
	for (i = 0; i <= SCRIPT_ENV_MAX; i++)
		off += (size_t)snprintf(t + off, 32, "env V%u=1\n", i);
	memcpy(t + off, "end\n", 5);
	refused(t, "more than");
	memset(t, 'a', RECORD_MAX_BYTES + 1);
	t[RECORD_MAX_BYTES + 1] = '\0';
	refused(t, "more than");
	free(t);
}

static void
test_keylife(void)
{
	struct gp_config c;
	struct keylife k;

	memset(&c, 0, sizeof(c));
	keylife_set(&k, &c, 1000);
	T_CHECK(!keylife_known(&k));
	c.lifetime_s = 30;
	keylife_set(&k, &c, 1000);
	T_CHECK(keylife_known(&k) && keylife_left_ms(&k, 1000) == 30000);
	c.timeout_s = 20;
	keylife_set(&k, &c, 1000);
	T_CHECK(keylife_left_ms(&k, 11000) == 10000);
	T_CHECK(keylife_left_ms(&k, 21000) == 0);
	T_CHECK(keylife_left_ms(&k, 99000) == 0);
}

int
main(void)
{
	T_RUN(test_round_trip);
	T_RUN(test_refused);
	T_RUN(test_too_many);
	T_RUN(test_keylife);
	return T_DONE();
}
