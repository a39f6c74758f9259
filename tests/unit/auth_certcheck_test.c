/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for certcheck_key (auth/certcheck.c): a PEM certificate
 * without a key and without -k is refused with the fix; everything else
 * is left to the loader. The PEM bodies are markers only: certcheck
 * does not decode. Test code only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/certcheck.h"
#include "t.h"

#define CERT_PEM "-----BEGIN CERTIFICATE-----\nMIIB\n" \
		 "-----END CERTIFICATE-----\n"

static char dir[] = "/tmp/certcheck.XXXXXX";

/* A file named name in dir holding len bytes of s; its path. */
static const char *
file(const char *name, const char *s, size_t len)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	FILE *fp;

	snprintf(p, 256, "%s/%s", dir, name);
	if ((fp = fopen(p, "wb")) == NULL || fwrite(s, 1, len, fp) != len ||
	    fclose(fp) != 0)
		abort();
	return p;
}

static int
check(const char *cert, const char *key, struct gp_err *e)
{
	struct clientcert_opts o = { cert, key, -1 };

	e->msg[0] = '\0';
	return certcheck_key(&o, e);
}

static void
no_key_refused(void)
{
	struct gp_err e;
	char want[512];
	const char *c = file("cert.pem", CERT_PEM, strlen(CERT_PEM));

	T_EQ_INT(check(c, NULL, &e), -1);
	snprintf(want, sizeof(want), "certificate `%s` holds no private "
	    "key: give it with -k KEYFILE", c);
	T_STREQ(e.msg, want);
}

static void
key_present_or_given(void)
{
	static const char *ends[] = { "PRIVATE KEY", "RSA PRIVATE KEY",
	    "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" };
	struct gp_err e;
	char pem[512];
	size_t i;
	int n;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		n = snprintf(pem, sizeof(pem), "%s-----BEGIN %s-----\nMII\n"
		    "-----END %s-----\n", CERT_PEM, ends[i], ends[i]);
		T_EQ_INT(check(file("both.pem", pem, (size_t)n), NULL, &e),
		    0);
	}
	/* -k given: the loader checks the key file. */
	T_EQ_INT(check(file("c.pem", CERT_PEM, strlen(CERT_PEM)),
	    "/nonexistent.key", &e), 0);
	/* A NUL before the key does not hide it. */
	n = snprintf(pem, sizeof(pem), "%s", CERT_PEM);
	pem[n++] = '\0';
	n += snprintf(pem + n, sizeof(pem) - (size_t)n, "-----BEGIN "
	    "PRIVATE KEY-----\n");
	T_EQ_INT(check(file("nul.pem", pem, (size_t)n), NULL, &e), 0);
}

/* Not PEM (PKCS#12), unreadable, pkcs11: the loader's to judge. */
static void
left_to_the_loader(void)
{
	static const char der[] = "\x30\x82\x01\x00\x02\x01\x03";
	struct gp_err e;

	T_EQ_INT(check(file("id.p12", der, sizeof(der) - 1), NULL, &e), 0);
	T_EQ_INT(check(file("empty.pem", "", 0), NULL, &e), 0);
	T_EQ_INT(check("/nonexistent/cert.pem", NULL, &e), 0);
	T_EQ_INT(check("pkcs11:token=t;object=o", NULL, &e), 0);
	T_EQ_INT(check(NULL, NULL, &e), 0);
}

int
main(void)
{
	static const char *made[] = { "cert.pem", "both.pem", "c.pem",
	    "nul.pem", "id.p12", "empty.pem" };
	char p[256];
	size_t i;

	if (mkdtemp(dir) == NULL)
		return 1;
	T_RUN(no_key_refused);
	T_RUN(key_present_or_given);
	T_RUN(left_to_the_loader);
	for (i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, made[i]);
		(void)unlink(p);
	}
	(void)rmdir(dir);
	return T_DONE();
}
