/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of gp-auth's built-in HIP report (auth/hipgen.c): the XML
 * for fixed facts against a golden file, escaping of hostile cookie
 * fields, the size cap, and os-release parsing. Test code only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/hipgen.h"
#include "golden.h"
#include "t.h"

#define GOLDEN		"tests/data/hipgen/report.xml"

static void
fill(struct hipgen_in *in)
{
	memset(in, 0, sizeof(*in));
	in->md5 = "6af9abd98de4eb2ddb3d3a33aa01d363";
	in->user = "test";
	in->domain = "Domain5";
	in->computer = "vm";
	in->ip4 = "198.18.128.10";
	in->ip6 = "";
	in->client_version = "6.3.0-33";
	in->os = "Linux Debian GNU/Linux 12";
	in->os_vendor = "Linux";
	in->now = 1700000000;	/* 11/14/2023 22:13:20 UTC */
	in->nifs = 1;
	snprintf(in->ifs[0].name, HIPGEN_NAME_MAX, "eth0");
	snprintf(in->ifs[0].mac, sizeof(in->ifs[0].mac), "02-00-00-00-00-01");
	snprintf(in->ifs[0].ip4[0], CFG_ADDR_STR_MAX, "198.18.0.2");
	snprintf(in->ifs[0].ip6[0], CFG_ADDR_STR_MAX, "fe80::1");
	in->ifs[0].n4 = in->ifs[0].n6 = 1;
}

static void
test_golden(void)
{
	static struct hipgen_in in;
	static char out[HIPGEN_REPORT_MAX];
	struct gp_err e;

	fill(&in);
	T_EQ_INT(hipgen_report(&in, out, sizeof(out), &e), 0);
	T_EQ_INT(golden_check(GOLDEN, out, strlen(out)), 0);
}

static void
test_escape(void)
{
	static struct hipgen_in in;
	static char out[HIPGEN_REPORT_MAX];
	struct gp_err e;

	fill(&in);
	in.user = "a<b>&\"c'\n";
	in.domain = "</domain><injected/>";
	T_EQ_INT(hipgen_report(&in, out, sizeof(out), &e), 0);
	T_CHECK(strstr(out, "<user-name>a&lt;b&gt;&amp;&quot;c&apos;?"
	    "</user-name>") != NULL);
	T_CHECK(strstr(out, "<injected/>") == NULL);
	T_CHECK(strstr(out, "&lt;/domain&gt;&lt;injected/&gt;") != NULL);
}

static void
test_too_small(void)
{
	static struct hipgen_in in;
	char out[256];
	struct gp_err e;

	fill(&in);
	T_EQ_INT(hipgen_report(&in, out, sizeof(out), &e), -1);
	T_EQ_INT(out[0], '\0');
	T_CHECK(strstr(e.msg, "larger than") != NULL);
}

static void
test_os_release(void)
{
	static struct hipgen_in in;
	char os[256], path[] = "/tmp/gpvpn-os-release.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fd == -1 ? NULL : fdopen(fd, "w");

	if (fp == NULL) {
		T_CHECK(fp != NULL);
		return;
	}
	fputs("PRETTY_NAME=\"x\"\nNAME=\"Debian GNU/Linux\"\n"
	    "VERSION_ID=\"12\"\nID=debian\n", fp);
	fclose(fp);
	hipgen_host(&in, path, os, sizeof(os));
	T_STREQ(os, "Linux Debian GNU/Linux 12");
	remove(path);
	hipgen_host(&in, "/nonexistent/os-release", os, sizeof(os));
	T_STREQ(os, "Linux");
	T_CHECK(in.nifs >= 0);
	T_CHECK(in.nifs <= HIPGEN_IFACES_MAX);
}

int
main(void)
{
	T_RUN(test_golden);
	T_RUN(test_escape);
	T_RUN(test_too_small);
	T_RUN(test_os_release);
	return T_DONE();
}
