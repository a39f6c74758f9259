/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-auth's PKCS#11 URI parser (auth/p11uri.c): what the
 * engine gets, the decoded parts, and each refusal by the attribute it
 * names; a refused URI leaves nothing behind, and a PIN in it is never
 * quoted back.
 */
#include <string.h>

#include "auth/p11uri.h"
#include "t.h"

/* s is refused, u left zeroed, and the message holds want. */
static int
refused(const char *s, const char *want)
{
	struct p11uri u;
	struct gp_err e;

	memset(&e, 0, sizeof(e));
	if (p11uri_parse(s, &u, &e) != -1 || u.engine[0] != '\0' ||
	    u.module[0] != '\0')
		return 0;
	if (strstr(e.msg, want) == NULL) {
		fprintf(stderr, "  `%s`: message `%s` lacks `%s`\n", s, e.msg,
		    want);
		return 0;
	}
	return 1;
}

static void
whole_uri_parsed(void)
{
	struct p11uri u;
	struct gp_err e;

	T_EQ_INT(p11uri_parse("pkcs11:token=My%20Token;object=vpn;id=%01%ff;"
	    "type=cert;serial=42?module-path=/usr/lib/softhsm/"
	    "libsofthsm2.so", &u, &e), 0);
	T_STREQ(u.engine, "pkcs11:token=My%20Token;object=vpn;id=%01%ff;"
	    "serial=42");
	T_STREQ(u.token, "My Token");
	T_STREQ(u.object, "vpn");
	T_CHECK(u.has_id);
	T_EQ_UINT(u.id_len, 2);
	T_EQ_INT(u.type, P11URI_TYPE_CERT);
	T_STREQ(u.module, "/usr/lib/softhsm/libsofthsm2.so");
	/* The scheme in any case; an empty path names any object. */
	T_EQ_INT(p11uri_parse("PKCS11:", &u, &e), 0);
	T_STREQ(u.engine, "pkcs11:");
	T_EQ_INT(p11uri_parse("pkcs11:type=private", &u, &e), 0);
	T_STREQ(u.engine, "pkcs11:");
	T_EQ_INT(u.type, P11URI_TYPE_PRIVATE);
	T_EQ_INT(p11uri_parse("pkcs11:object=a=b&c", &u, &e), 0);
	T_STREQ(u.object, "a=b&c");
	T_CHECK(p11uri_is("pkcs11:x") && p11uri_is("Pkcs11:"));
	T_CHECK(!p11uri_is("./pkcs11:x") && !p11uri_is("pkcs11"));
}

static void
bad_shape_refused(void)
{
	char big[P11URI_MAX + 2];

	T_CHECK(refused("pkcs12:token=a", "does not start with `pkcs11:`"));
	T_CHECK(refused("pkcs11:token", "has no `=`"));
	T_CHECK(refused("pkcs11:token=a;", "an empty attribute"));
	T_CHECK(refused("pkcs11:token=a;;object=b", "an empty attribute"));
	T_CHECK(refused("pkcs11:token=a?", "an empty attribute"));
	T_CHECK(refused("pkcs11:=a", "no name"));
	T_CHECK(refused("pkcs11:Token=a", "lowercase"));
	T_CHECK(refused("pkcs11:token=", "`token`: empty"));
	T_CHECK(refused("pkcs11:token=a;token=b", "`token`: given twice"));
	T_CHECK(refused("pkcs11:type=public", "neither `cert` nor"));
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "pkcs11:object=", 14);
	big[sizeof(big) - 1] = '\0';
	T_CHECK(refused(big, "longer than 1024 bytes"));
	big[300] = '\0';
	T_CHECK(refused(big, "`object`: longer than 255 bytes"));
}

static void
bad_values_refused(void)
{
	T_CHECK(refused("pkcs11:token=a%2", "`token`: a `%` without two"));
	T_CHECK(refused("pkcs11:token=a%", "`token`: a `%` without two"));
	T_CHECK(refused("pkcs11:token=a%g0", "`token`: a `%` without two"));
	T_CHECK(refused("pkcs11:token=a b", "0x20 must be percent-encoded"));
	T_CHECK(refused("pkcs11:token=a/b", "0x2f must be percent-encoded"));
	T_CHECK(refused("pkcs11:token=a#b", "0x23 must be percent-encoded"));
	T_CHECK(refused("pkcs11:object=a%00", "`object`: holds a NUL"));
	T_CHECK(refused("pkcs11:slot-id=1", "`slot-id`: not an attribute"));
	T_CHECK(refused("pkcs11:token=a?module-name=softhsm2",
	    "`module-name`: not a query attribute"));
	T_CHECK(refused("pkcs11:token=a?module-path=lib.so",
	    "not an absolute path"));
	T_CHECK(refused("pkcs11:token=a?module-path=/a&module-path=/b",
	    "`module-path`: given twice"));
	T_CHECK(refused("pkcs11:token=a?module-path=/a%00b", "holds a NUL"));
}

/* A PIN in the URI, path or query: refused without quoting it back. */
static void
pin_in_uri_refused(void)
{
	struct p11uri u;
	struct gp_err e;

	T_CHECK(refused("pkcs11:token=a;pin-value=987654", "`pin-value`: a PIN"
	    " in the command line"));
	T_CHECK(refused("pkcs11:token=a?pin-value=987654",
	    "--key-password-fd"));
	T_CHECK(refused("pkcs11:token=a?pin-source=file:/p", "`pin-source`"));
	T_EQ_INT(p11uri_parse("pkcs11:token=a?pin-value=987654", &u, &e), -1);
	T_CHECK(strstr(e.msg, "987654") == NULL);
	T_EQ_INT(p11uri_parse("pkcs11:pin-value987654", &u, &e), -1);
	T_CHECK(strstr(e.msg, "987654") == NULL);
	T_EQ_INT(p11uri_parse("pkcs11:x;pin-value=98%zz", &u, &e), -1);
	T_CHECK(strstr(e.msg, "98") == NULL);
}

int
main(void)
{
	T_RUN(whole_uri_parsed);
	T_RUN(bad_shape_refused);
	T_RUN(bad_values_refused);
	T_RUN(pin_in_uri_refused);
	return T_DONE();
}
