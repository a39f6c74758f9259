/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for [priv]'s relay of [net]'s log lines (tunnel/privlog.c):
 * control characters escaped, a long line cut, a last partial line
 * written at the end. Test code only; stderr goes to a temporary file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/privlog.h"
#include "t.h"

static char out[3 * PRIVLOG_LINE_BYTES];

/* Relay what through a pipe; what reached stderr lands in out. */
static size_t
relay(const char *what, size_t n)
{
	struct privlog l;
	FILE *tf;
	int p[2], saved;
	size_t got;

	memset(&l, 0, sizeof(l));
	if (pipe(p) == -1 || (tf = tmpfile()) == NULL ||
	    (saved = dup(STDERR_FILENO)) == -1)
		exit(2);
	if (write(p[1], what, n) != (ssize_t)n)
		exit(2);
	close(p[1]);
	fflush(stderr);
	dup2(fileno(tf), STDERR_FILENO);
	l.fd = p[0];
	while (privlog_read(&l) == 0)
		;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(p[0]);
	rewind(tf);
	got = fread(out, 1, sizeof(out) - 1, tf);
	out[got] = '\0';
	fclose(tf);
	return got;
}

static void
test_escape(void)
{
	static const char in[] = "a\001b\177c\nsecond";

	relay(in, sizeof(in) - 1);
	T_STREQ(out, "a\\x01b\\x7fc\nsecond\n");
}

static void
test_cut(void)
{
	char *in = malloc(PRIVLOG_LINE_BYTES + 3);
	size_t got;

	if (in == NULL)
		exit(2);
	memset(in, 'x', PRIVLOG_LINE_BYTES + 2);
	in[PRIVLOG_LINE_BYTES + 2] = '\n';
	got = relay(in, PRIVLOG_LINE_BYTES + 3);
	/* PRIVLOG_LINE_BYTES, a newline, the 2 left and theirs */
	T_EQ_INT(got, PRIVLOG_LINE_BYTES + 4);
	T_EQ_INT(out[PRIVLOG_LINE_BYTES], '\n');
	T_STREQ(out + PRIVLOG_LINE_BYTES + 1, "xx\n");
	free(in);
}

int
main(void)
{
	T_RUN(test_escape);
	T_RUN(test_cut);
	return T_DONE();
}
