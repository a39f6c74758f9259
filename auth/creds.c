/* SPDX-License-Identifier: ISC */
/*
 * Prompts and password input for gp-auth (see creds.h). The terminal state
 * is saved before echo goes off and put back on return and from the signal
 * handlers, so an interrupted prompt never leaves the terminal silent.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ipc/fdio.h"
#include "ipc/secret.h"
#include "creds.h"

#define CREDS_PROMPT_MAX	512

static int creds_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };
#define CREDS_NSIG	(sizeof(creds_signals) / sizeof(creds_signals[0]))

/* Shared with the signal handler: the terminal to restore, if any. */
static volatile sig_atomic_t creds_echo_off;
static int creds_tty = -1;
static int creds_tty_errno;	/* creds_preopen() found no terminal */
static struct termios creds_saved;
static struct sigaction creds_oldact[CREDS_NSIG];

static void
creds_restore_tty(void)
{
	if (creds_echo_off) {
		(void)tcsetattr(creds_tty, TCSAFLUSH, &creds_saved);
		/* The user's Enter was not echoed; nothing to do if this
		 * fails. */
		if (write(creds_tty, "\n", 1) == -1)
			creds_echo_off = 0;
		creds_echo_off = 0;
	}
}

static void
creds_on_signal(int sig)
{
	int saved = errno;

	creds_restore_tty();
	/* Then die (or stop) as the signal wanted. */
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
	errno = saved;
}

static void
creds_trap(bool on)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = creds_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < CREDS_NSIG; i++) {
		if (on)
			(void)sigaction(creds_signals[i], &sa,
			    &creds_oldact[i]);
		else
			(void)sigaction(creds_signals[i], &creds_oldact[i],
			    NULL);
	}
}

static int
creds_echo(bool off, struct gp_err *e)
{
	struct termios t;

	if (!off) {
		creds_restore_tty();
		return 0;
	}
	if (tcgetattr(creds_tty, &creds_saved) == -1)
		return err_set(e, "terminal: %s", strerror(errno));
	t = creds_saved;
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	creds_echo_off = 1;
	if (tcsetattr(creds_tty, TCSAFLUSH, &t) == -1) {
		creds_echo_off = 0;
		return err_set(e, "terminal: %s", strerror(errno));
	}
	return 0;
}

/* One line from fd, byte by byte so nothing past it is consumed. */
static int
creds_line(int fd, char *out, size_t outsz, struct gp_err *e)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return err_set(e, "read: %s", strerror(errno));
		if (r == 0 && n == 0)
			return err_set(e, "end of input");
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= outsz)
			return err_set(e, "input longer than %zu bytes",
			    outsz - 1);
		out[n++] = c;
	}
	if (n > 0 && out[n - 1] == '\r')
		n--;
	out[n] = '\0';
	return 0;
}

void
creds_sanitize(const char *s, char *out, size_t outsz)
{
	size_t i;

	if (outsz == 0)
		return;
	for (i = 0; s[i] != '\0' && i + 1 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < 0x20 && c != '\n') || c == 0x7f ? '?' : (char)c;
	}
	out[i] = '\0';
}

static void
creds_write_tty(const char *s)
{
	char buf[CREDS_PROMPT_MAX];
	struct gp_err e;

	creds_sanitize(s, buf, sizeof(buf));
	/* A terminal that takes no prompt: the read after it tells. */
	(void)fdio_write_all(creds_tty, buf, strlen(buf), &e);
}

static int
creds_open_tty(struct gp_err *e)
{
	if (creds_tty != -1)
		return 0;
	/* Under the filter a read-write open kills: no second try. */
	if (creds_tty_errno == 0)
		creds_tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (creds_tty == -1)
		return err_set(e, "no terminal to prompt on (/dev/tty: %s)",
		    strerror(creds_tty_errno != 0 ? creds_tty_errno : errno));
	return 0;
}

int
creds_preopen(void)
{
	if (creds_tty == -1 && creds_tty_errno == 0) {
		creds_tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (creds_tty == -1)
			creds_tty_errno = errno != 0 ? errno : ENXIO;
	}
	return creds_tty;
}

void
creds_close(void)
{
	if (creds_tty != -1)
		(void)close(creds_tty);
	creds_tty = -1;
}

void
creds_show(const char *msg)
{
	struct gp_err e;

	if (msg[0] == '\0' || creds_open_tty(&e) == -1)
		return;
	creds_write_tty(msg);
	creds_write_tty("\n");
}

int
creds_read(const char *prompt, bool secret, bool from_stdin, char *out,
    size_t outsz, struct gp_err *e)
{
	int rc;

	secret_wipe(out, outsz);
	if (secret && from_stdin) {
		if ((rc = creds_line(STDIN_FILENO, out, outsz, e)) == -1)
			secret_wipe(out, outsz);
		return rc;
	}
	if (creds_open_tty(e) == -1)
		return -1;
	creds_trap(true);
	creds_write_tty(prompt);
	rc = secret ? creds_echo(true, e) : 0;
	if (rc == 0)
		rc = creds_line(creds_tty, out, outsz, e);
	if (secret)
		(void)creds_echo(false, NULL);
	creds_trap(false);
	if (rc == -1)
		secret_wipe(out, outsz);
	return rc;
}
