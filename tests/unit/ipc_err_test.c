/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the quoting of untrusted values in messages (ipc/err.c)
 * and the escaping of log lines (ipc/log.c): exact output at the 64-byte
 * cut and with every byte escaped, so the longest text still fits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/log.h"
#include "t.h"

static void
quote_plain_and_escaped(void)
{
	char q[ERR_QUOTE_MAX];

	T_STREQ(err_quote(q, "abc", 3), "abc");
	T_STREQ(err_quote(q, "", 0), "");
	T_STREQ(err_quote(q, "a`b\\c\n\x7f", 7), "a\\x60b\\x5cc\\x0a\\x7f");
	T_STREQ(err_quote(q, "ab\0cd", 5), "ab\\x00cd");
}

/* 64 bytes all escaped is the longest quote: 256 + "..." + NUL. */
static void
quote_at_the_cut(void)
{
	char q[ERR_QUOTE_MAX], val[65], want[ERR_QUOTE_MAX];
	size_t i;

	memset(val, '\n', sizeof(val));
	for (i = 0; i < 64; i++)
		memcpy(want + 4 * i, "\\x0a", 4);
	want[256] = '\0';
	T_STREQ(err_quote(q, val, 64), want);
	memcpy(want + 256, "...", 4);
	T_STREQ(err_quote(q, val, 65), want);
	T_EQ_INT(strlen(q), ERR_QUOTE_MAX - 5);
	memset(val, 'x', sizeof(val));
	T_EQ_INT(strlen(err_quote(q, val, 65)), 67);
}

/* What log_msg printed on stderr, read back through a pipe. */
static size_t
logged(char *out, size_t outsz, const char *msg)
{
	int p[2], saved;
	ssize_t n;

	fflush(stderr);
	if (pipe(p) == -1 || (saved = dup(STDERR_FILENO)) == -1)
		return 0;
	(void)fcntl(p[0], F_SETFL, O_NONBLOCK);
	dup2(p[1], STDERR_FILENO);
	log_msg(LOG_LVL_ERR, "%s", msg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(p[1]);
	n = read(p[0], out, outsz - 1);
	close(p[0]);
	out[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

static void
log_escapes(void)
{
	char out[256];

	log_init("t", 0);
	logged(out, sizeof(out), "a\tb\x1b[2J\x7f~");
	T_STREQ(out, "t: a\\x09b\\x1b[2J\\x7f~\n");
}

/* A line at LOG_LINE_MAX (1023 bytes kept), every byte escaped. */
static void
log_longest_line(void)
{
	static char msg[2000], out[8192];
	size_t n;

	memset(msg, '\x01', sizeof(msg) - 1);
	log_init("t", 0);
	n = logged(out, sizeof(out), msg);
	T_EQ_INT(n, 3 + 1023 * 4 + 1);
	T_EQ_MEM(out + 3 + 1022 * 4, "\\x01\n", 6);
}

int
main(void)
{
	T_RUN(quote_plain_and_escaped);
	T_RUN(quote_at_the_cut);
	T_RUN(log_escapes);
	T_RUN(log_longest_line);
	return T_DONE();
}
