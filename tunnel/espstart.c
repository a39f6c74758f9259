/* SPDX-License-Identifier: ISC */
/*
 * ESP started in [priv] (see espstart.h). Everything here comes from the
 * CONFIG the policy has just accepted; nothing is read from the network.
 */
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "tunnel/espstart.h"
#include "tunnel/udp.h"

void
espstart_init(struct espstart *s)
{
	memset(s, 0, sizeof(*s));
	s->udp_fd = -1;
}

const char *
espstart_unusable(const struct gp_config *c, bool no_esp)
{
	if (no_esp)
		return "--no-esp";
	/* UDP cannot go through the proxy and must not go around it. */
	if (c->proxy.type != CFG_PROXY_NONE)
		return "the tunnel goes through a proxy";
	if (!c->esp.present)
		return "the configuration has no ESP keys";
	if (magic_family(c) == CFG_AF_NONE)
		return "no magic-ping address for our tunnel address family";
	return NULL;
}

size_t
espstart_probe(const struct gp_config *c, struct esp_sa *sa, uint16_t seq,
    uint8_t *buf, size_t cap)
{
	size_t n, out;

	if (cap < ESP_HEADROOM)
		return 0;
	n = magic_build(c, seq, buf + ESP_HEADROOM, cap - ESP_HEADROOM);
	if (n == 0 || esp_encrypt(sa, buf, cap, n, &out) == -1)
		return 0;
	return out;
}

/*
 * A change of file-system ids clears the parent-death signal (prctl(2)),
 * which a service session relies on to end with its listener: set it
 * again, and take it now if the parent went meanwhile.
 */
static void
espstart_pdeath(int sig, pid_t ppid)
{
	if (sig == 0)
		return;
	if (prctl(PR_SET_PDEATHSIG, sig) == -1)
		fatal("esp: PR_SET_PDEATHSIG");
	if (getppid() != ppid)
		(void)raise(sig);
}

/*
 * The socket made with [net]'s user as its owner (the file-system ids
 * are what a socket records), so that uid-based routing and netfilter's
 * owner match see it as they see the sockets [net] reopens itself.
 * -1 if it cannot be had so.
 */
static int
espstart_socket(const struct gp_config *c, uid_t uid, gid_t gid,
    struct gp_err *e)
{
	pid_t ppid = getppid();
	int sig = 0, fd;
	gid_t ogid;
	uid_t ouid;
	struct stat st;

	if (prctl(PR_GET_PDEATHSIG, &sig) == -1)
		sig = 0;
	ogid = (gid_t)setfsgid(gid);
	ouid = (uid_t)setfsuid(uid);
	fd = udp_open(&c->gw_addr, c->esp.udp_port, e);
	(void)setfsuid(ouid);
	(void)setfsgid(ogid);
	if ((uid_t)setfsuid((uid_t)-1) != ouid ||
	    (gid_t)setfsgid((gid_t)-1) != ogid)
		fatalx("esp: cannot restore the file-system ids");
	espstart_pdeath(sig, ppid);
	if (fd != -1 && (fstat(fd, &st) == -1 || st.st_uid != uid)) {
		close(fd);
		return err_set(e, "the socket is not owned by uid %ld",
		    (long)uid);
	}
	return fd;
}

/* Both SAs and the socket, or false and none of them. */
static bool
espstart_open(struct espstart *s, const struct gp_config *c, uid_t uid,
    gid_t gid)
{
	struct gp_err e = { "" };

	if ((s->sa_out = esp_sa_new(&c->esp, 1, &e)) == NULL ||
	    (s->sa_in = esp_sa_new(&c->esp, 0, &e)) == NULL ||
	    (s->udp_fd = espstart_socket(c, uid, gid, &e)) == -1) {
		log_debug("esp: not started early: %s", e.msg);
		espstart_drop(s);
		return false;
	}
	return true;
}

void
espstart_send(struct espstart *s, const struct gp_config *c, bool no_esp,
    uid_t uid, gid_t gid)
{
	uint8_t probe[ESPSTART_PROBE_BYTES];
	size_t n;

	espstart_init(s);
	if (espstart_unusable(c, no_esp) != NULL ||
	    !espstart_open(s, c, uid, gid))
		return;
	n = espstart_probe(c, s->sa_out, s->probe_seq, probe, sizeof(probe));
	if (n == 0) {
		log_debug("esp: not started early: no probe");
		espstart_drop(s);
		return;
	}
	s->probe_seq++;
	/* Lost or refused, it is only the first of [net]'s probes. */
	if (send(s->udp_fd, probe, n, MSG_DONTWAIT) == (ssize_t)n)
		s->probes++;
	else
		log_debug("esp: first probe: %s", strerror(errno));
}

void
espstart_drop(struct espstart *s)
{
	if (s->udp_fd != -1)
		close(s->udp_fd);
	esp_sa_free(s->sa_out);
	esp_sa_free(s->sa_in);
	espstart_init(s);
}
