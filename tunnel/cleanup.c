/* SPDX-License-Identifier: ISC */
/*
 * Cleaning up after a killed gp-tunnel (cleanup.h): in [priv] at start,
 * and in gp-tunnel --cleanup, which runs as root and enters the same
 * file-system view and (through gp_tunnel.c) sandbox as [priv] before
 * any script runs. The
 * record it reads is untrusted (record.c checks it); the interface comes
 * from the command line, checked like a start's (caller.c).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "tunnel/cleanup.h"
#include "tunnel/fsview.h"
#include "tunnel/recfile.h"
#include "tunnel/safepath.h"
#include "tunnel/script.h"
#include "tunnel/scriptcmd.h"

/* The program the recorded script runs must still be root's alone. */
static int
cleanup_script_ok(const char *script, bool on_behalf, struct gp_err *e)
{
	char prog[PATH_MAX], real[PATH_MAX];

	if (scriptcmd_program(script, prog, sizeof(prog), e) == -1)
		return -1;
	switch (safepath_check(prog, 0, SAFEPATH_EXEC, real, sizeof(real),
	    e)) {
	case SAFEPATH_OK:
		return 0;
	case SAFEPATH_UNSAFE:
		if (on_behalf)
			return -1;
		log_warnx("%s", e->msg);
		return 0;
	default:
		return -1;
	}
}

int
cleanup_record(int fd, const char *ifname, bool on_behalf)
{
	struct record r;
	struct gp_err e = { "" };
	int n, status = 1;

	if ((n = recfile_read(fd, ifname, &r, &e)) == 0)
		return 0;
	if (n == -1 || cleanup_script_ok(r.script, on_behalf, &e) == -1) {
		log_err("%s: %s; not cleaned up (root may remove %s/%s.state)",
		    ifname, e.msg, RECFILE_DIR, ifname);
		if (n == 1)
			record_free(&r);
		return -1;
	}
	log_info("a stale record for %s (a gp-tunnel killed without its "
	    "disconnect): running %s disconnect", ifname, r.script);
	if (script_run(r.script, &r.env, &e) == -1) {
		log_err("disconnect for %s: %s", ifname, e.msg);
		status = -1;
	}
	record_free(&r);
	if (recfile_clear(fd, &e) == -1) {
		log_err("%s", e.msg);
		status = -1;
	}
	return status;
}

int
cleanup_main(const char *ifname, bool on_behalf, void (*enter)(int fd))
{
	struct gp_err e = { "" };
	int fd, status;

	fd = recfile_open(ifname, false, &e);
	if (fd == RECFILE_NONE) {
		log_info("no record for %s: nothing to clean up", ifname);
		return 0;
	}
	if (fd < 0) {
		log_err("%s", e.msg);
		return 1;
	}
	if (fsview_enter(0, &e) == -1) {
		log_err("%s; nothing done", e.msg);
		close(fd);
		return 1;
	}
	enter(fd);
	if ((status = cleanup_record(fd, ifname, on_behalf)) == 0)
		log_info("no record for %s: nothing to clean up", ifname);
	close(fd);
	return status == -1 ? 1 : 0;
}
