/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel's start checks (see startcheck.h). Runs in gp-tunnel's main
 * before the policy is read or stdin is touched; it looks only at the
 * process (its effective uid) and whether stdin is a terminal.
 */
#include <unistd.h>

#include "tunnel/startcheck.h"

static bool
startcheck_reads_stdin(enum startcheck_mode mode)
{
	return mode == STARTCHECK_SESSION || mode == STARTCHECK_DUMP;
}

int
startcheck_run(enum startcheck_mode mode, struct gp_err *e)
{
	/* A session started by hand on a terminal would wait there for
	 * frames nobody types. */
	if (startcheck_reads_stdin(mode) && isatty(STDIN_FILENO))
		return err_set(e, "stdin is a terminal: gp-tunnel%s expects "
		    "gp-auth's output on stdin, as in `gp-auth [options] "
		    "SERVER | %sgp-tunnel%s`", mode == STARTCHECK_DUMP ?
		    " --dump" : "", mode == STARTCHECK_DUMP ? "" : "sudo ",
		    mode == STARTCHECK_DUMP ? " --dump" : "");
	if (mode == STARTCHECK_DUMP || geteuid() == 0)
		return 0;
	if (mode == STARTCHECK_CLEANUP)
		return err_set(e, "must run as root (it removes the "
		    "tun device and runs the recorded disconnect); run it "
		    "with sudo");
	return err_set(e, "must run as root (it creates the tun "
	    "device); run it with sudo");
}
