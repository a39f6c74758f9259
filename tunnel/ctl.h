/*
 * The control stream of gp-tunnel (stdin): frames from gp-auth. The first
 * must be CONFIG; later ones are a rekey (CONFIG) or SHUTDOWN, which
 * [priv] reads (priv.c). Every byte is untrusted.
 */
#ifndef GPVPN_TUNNEL_CTL_H
#define GPVPN_TUNNEL_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipc/config.h"
#include "ipc/err.h"
#include "tunnel/session.h"

/* The reply side of the control stream, for NEED_CONFIG. */
struct ctl {
	int			 fd;
	bool			 can_reply;	/* fd is a writable socket */
};

/*
 * Block (no deadline: the user may still be typing a password upstream)
 * until the first frame. 1: *cfg is a new validated config the caller
 * frees with config_free(); 0: EOF before any byte; -1: error (any other
 * frame type, a malformed or invalid frame).
 */
int	ctl_read_first(int fd, struct gp_config **cfg, struct gp_err *e);

/* True when fd is a socket we may write to (gp-auth --tunnel's
 * socketpair), false for a pipe. */
bool	ctl_fd_can_reply(int fd);
/* session_io.need_config: arg is a struct ctl. Sends NEED_CONFIG when
 * can_reply (ESP died: gp-auth may push fresh keys); else nothing. */
void	ctl_need_config(void *arg);

/* Refuse a rekey that moves the tunnel addresses or the gateway. */
int	ctl_rekey_check(const struct gp_config *old,
	    const struct gp_config *new, struct gp_err *e);

/* --dump: print every frame, secrets redacted, until EOF. 0 or -1. */
int	ctl_dump(int fd, FILE *out, struct gp_err *e);

#endif
