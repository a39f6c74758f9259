/* SPDX-License-Identifier: ISC */
/*
 * The --status-fd lines (status.h). Runs in gp-tunnel [priv]; a reader
 * that is slow or gone never stalls the tunnel: the descriptor is
 * non-blocking, a line that does not fit is dropped and counted, and
 * EPIPE ends the status lines, not the session (SIGPIPE is ignored).
 */
#define _GNU_SOURCE	/* O_PATH */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "ipc/walltime.h"
#include "tunnel/jsonw.h"
#include "tunnel/status.h"

int
status_fd_check(int fd, int listen_fd, struct gp_err *e)
{
	int fl;

	if (fd == STDIN_FILENO || fd == STDERR_FILENO || fd == listen_fd)
		return err_set(e, "--status-fd `%d`: %s", fd,
		    fd == STDIN_FILENO ? "stdin carries gp-auth's frames" :
		    fd == STDERR_FILENO ? "stderr carries the log" :
		    "the service's socket");
	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return err_set(e, "--status-fd `%d`: not open", fd);
	if ((fl & O_ACCMODE) == O_RDONLY || (fl & O_PATH) != 0)
		return err_set(e, "--status-fd `%d`: not open for writing",
		    fd);
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return err_set(e, "--status-fd `%d`: fcntl: %s", fd,
		    strerror(errno));
	return 0;
}

void
status_init(struct status *s, int fd, const struct gp_config *cfg,
    const char *ifname)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->cfg = cfg;
	s->ifname = ifname;
	s->exit_status = -1;
	s->rep.sa_age_s = PRIVSEP_SA_NONE;
}

static void
status_addr(struct jsonw *w, const char *key, const struct cfg_addr *a)
{
	char text[64];

	if (a->family == CFG_AF_NONE)
		jsonw_null(w, key);
	else
		jsonw_str(w, key, config_addr_str(a, text));
}

static void
status_counters(struct jsonw *w, const struct privsep_report *r)
{
	jsonw_open(w, "counters");
	jsonw_u64(w, "tx_packets", r->tx_pkts);
	jsonw_u64(w, "tx_bytes", r->tx_bytes);
	jsonw_u64(w, "rx_packets", r->rx_pkts);
	jsonw_u64(w, "rx_bytes", r->rx_bytes);
	jsonw_u64(w, "drops", r->drops);
	jsonw_u64(w, "reconnects", r->reconnects);
	jsonw_u64(w, "rekeys", r->rekeys);
	jsonw_u64(w, "esp_fallbacks", r->esp_fallbacks);
	jsonw_u64(w, "aqm_drops", r->aqm_drops);
	jsonw_u64(w, "aqm_marks", r->aqm_marks);
	jsonw_close(w);
}

static void
status_where(struct jsonw *w, const struct status *s)
{
	const struct gp_config *c = s->cfg;

	jsonw_str(w, "interface", s->ifname[0] != '\0' ? s->ifname : NULL);
	if (s->mtu != 0)
		jsonw_u64(w, "mtu", s->mtu);
	else
		jsonw_null(w, "mtu");
	jsonw_open(w, "address");
	status_addr(w, "ipv4", &c->ip4);
	if (s->no_ipv6)
		jsonw_null(w, "ipv6");
	else
		status_addr(w, "ipv6", &c->ip6);
	jsonw_close(w);
	jsonw_open(w, "gateway");
	jsonw_str(w, "host", c->gw_host);
	status_addr(w, "address", &c->gw_addr);
	jsonw_u64(w, "port", c->gw_port);
	jsonw_close(w);
}

const char *
status_format(const struct status *s, const char *event, int64_t now_ms,
    char *out, size_t cap)
{
	char now[WALLTIME_ISO_LEN], since[WALLTIME_ISO_LEN];
	struct jsonw w;

	jsonw_init(&w, out, cap);
	jsonw_open(&w, NULL);
	jsonw_u64(&w, "version", STATUS_VERSION);
	jsonw_str(&w, "event", event);
	jsonw_str(&w, "time", walltime_iso(now_ms, now, sizeof(now)));
	jsonw_str(&w, "state", s->state);
	jsonw_str(&w, "state_since", walltime_iso(s->since_ms, since,
	    sizeof(since)));
	jsonw_u64(&w, "pid", (uint64_t)getpid());
	jsonw_str(&w, "transport", privsep_xport_name(s->rep.xport));
	status_where(&w, s);
	if (s->rep.sa_age_s == PRIVSEP_SA_NONE)
		jsonw_null(&w, "sa_age_s");
	else
		jsonw_u64(&w, "sa_age_s", s->rep.sa_age_s);
	status_counters(&w, &s->rep);
	jsonw_u64(&w, "lines_dropped", s->dropped);
	if (s->exit_status < 0)
		jsonw_null(&w, "exit_status");
	else
		jsonw_u64(&w, "exit_status", (uint64_t)s->exit_status);
	jsonw_close(&w);
	return jsonw_done(&w);
}

/* The rest of a line written in part; true when nothing is left. */
static bool
status_drain(struct status *s)
{
	ssize_t n;

	while (s->poff < s->plen) {
		n = write(s->fd, s->pend + s->poff, s->plen - s->poff);
		if (n > 0) {
			s->poff += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		log_warnx("--status-fd %d: write: %s: no more status lines",
		    s->fd, n == -1 ? strerror(errno) : "wrote nothing");
		close(s->fd);
		s->dead = true;
		return false;
	}
	s->plen = s->poff = 0;
	return true;
}

void
status_flush(struct status *s)
{
	if (s->fd != -1 && !s->dead && s->plen > 0)
		(void)status_drain(s);
}

static void
status_write(struct status *s, const char *event)
{
	const char *line;

	if (s->fd == -1 || s->dead)
		return;
	if (s->plen > 0 && !status_drain(s)) {
		if (s->dead)
			return;
		s->dropped++;
		if (!s->warned)
			log_warnx("--status-fd %d: the reader is not "
			    "keeping up: dropping lines (counted in "
			    "lines_dropped)", s->fd);
		s->warned = true;
		return;
	}
	line = status_format(s, event, walltime_now_ms(), s->pend,
	    sizeof(s->pend) - 1);
	if (line == NULL) {
		log_warnx("--status-fd: a status line did not fit");
		s->dropped++;
		return;
	}
	s->plen = strlen(s->pend);
	s->pend[s->plen++] = '\n';
	s->poff = 0;
	(void)status_drain(s);
}

void
status_state(struct status *s, const char *state)
{
	if (s->before_rekey != NULL && strcmp(state, "rekeying") != 0)
		s->before_rekey = NULL;	/* superseded */
	s->state = state;
	s->since_ms = walltime_now_ms();
	status_write(s, "state");
}

void
status_rekeying(struct status *s)
{
	if (s->before_rekey == NULL)
		s->before_rekey = s->state;
	status_state(s, "rekeying");
}

void
status_event(struct status *s, const char *event)
{
	status_write(s, event);
}

void
status_report(struct status *s, const struct privsep_report *r)
{
	static const char *const why[PS_WHYS] = {
		[PS_WHY_TRANSPORT] = "transport", [PS_WHY_ASKED] = "request",
		[PS_WHY_REKEY] = "rekey", [PS_WHY_FINAL] = "final",
	};

	s->rep = *r;
	if (s->state != NULL && strcmp(s->state, "connecting") == 0 &&
	    r->why != PS_WHY_ASKED)
		return;
	/* The new keys are in: the state before "rekeying" is back, and
	 * the line says why (the schema's "rekey"), not "state". */
	if (r->why == PS_WHY_REKEY && s->before_rekey != NULL) {
		s->state = s->before_rekey;
		s->since_ms = walltime_now_ms();
		s->before_rekey = NULL;
	}
	status_write(s, r->why < PS_WHYS ? why[r->why] : "transport");
}
