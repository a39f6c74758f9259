/* SPDX-License-Identifier: ISC */
/*
 * The gp-tunnel policy file (policy.h): the loader that refuses a file
 * root does not own alone, and the pure, bounded parser that reads it
 * line by line and hands each keyword to its module (policy_net.c,
 * policy_opts.c, policy_allow.c). Runs in [priv]; the file is trusted
 * only after the loader's check.
 *
 *   # comment
 *   gateway 198.18.0.1 [pin-sha256:BASE64]
 *   gateway-port 443
 *   esp-port 4501
 *   route 10.0.0.0/8
 *   dns no
 *   allow-user alice          (gp-tunnel --listen: who may connect)
 *   allow-group 1001
 *   dns-server 10.0.0.0/24
 *   dns-suffix corp.example  /  dns-suffix .corp.example
 *   allow-script PATH  allow-setuid USER  allow-interface NAME
 *   allow-script vpn-slice 10.0.0.0/8   (the rest of the line)
 *   allow-policy FILE
 *   proxy no | yes | 198.18.10.1:3128 | [fd00::1]:1080
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/fdio.h"
#include "tunnel/policy.h"
#include "tunnel/policy_allow.h"
#include "tunnel/policy_line.h"
#include "tunnel/policy_net.h"
#include "tunnel/policy_opts.h"

static int
policy_line(struct tunnel_policy *p, struct policy_line *l, bool *dns_seen,
    struct gp_err *e)
{
	if (policy_line_split(l) == -1)
		return policy_line_bad(e, l, "too many words", l->text);
	if (l->n == 0)
		return 0;
	if (strcmp(l->tok[0], "gateway") == 0)
		return policy_net_gateway(p, l, e);
	if (strcmp(l->tok[0], "route") == 0)
		return policy_net_prefix(l, p->routes, &p->n_routes,
		    POLICY_ROUTES_MAX, e);
	if (strcmp(l->tok[0], "dns") == 0)
		return policy_opts_dns(p, l, dns_seen, e);
	if (strcmp(l->tok[0], "allow-user") == 0)
		return policy_allow_principal(p->allow_users,
		    &p->n_allow_users, l, e);
	if (strcmp(l->tok[0], "allow-group") == 0)
		return policy_allow_principal(p->allow_groups,
		    &p->n_allow_groups, l, e);
	if (strcmp(l->tok[0], "gateway-port") == 0)
		return policy_opts_port(l, &p->n_gw_ports, p->gw_ports, e);
	if (strcmp(l->tok[0], "esp-port") == 0)
		return policy_opts_port(l, &p->n_esp_ports, p->esp_ports, e);
	if (strcmp(l->tok[0], "dns-server") == 0)
		return policy_net_prefix(l, p->dns_servers, &p->n_dns_servers,
		    POLICY_DNS_SERVERS_MAX, e);
	if (strcmp(l->tok[0], "dns-suffix") == 0)
		return policy_opts_suffix(p, l, e);
	if (strcmp(l->tok[0], "proxy") == 0)
		return policy_opts_proxy(p, l, e);
	return policy_allow_line(p, l, e);
}

int
policy_parse(const char *text, size_t len, struct tunnel_policy *p,
    struct gp_err *e)
{
	struct policy_line l;
	size_t i = 0, n;
	bool dns_seen = false;

	memset(p, 0, sizeof(*p));
	p->dns = true;
	if (len > POLICY_FILE_MAX_BYTES)
		return err_set(e, "policy: %zu bytes, more than %u", len,
		    (unsigned)POLICY_FILE_MAX_BYTES);
	if (memchr(text, '\0', len) != NULL)
		return err_set(e, "policy: a NUL byte in the file");
	for (l.no = 1; i < len; l.no++) {
		const char *nl = memchr(text + i, '\n', len - i);

		n = nl != NULL ? (size_t)(nl - (text + i)) : len - i;
		if (n > POLICY_LINE_MAX_BYTES)
			return err_set(e, "policy line %u: longer than %u "
			    "bytes", l.no, (unsigned)POLICY_LINE_MAX_BYTES);
		memcpy(l.text, text + i, n);
		l.text[n] = '\0';
		if (policy_line(p, &l, &dns_seen, e) == -1)
			return -1;
		i += n + (nl != NULL);
	}
	p->present = true;
	return 0;
}

static int
policy_read_fd(int fd, const char *path, char *text, size_t *len,
    struct gp_err *e)
{
	struct gp_err re = { "" };
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) == -1)
		return err_set(e, "policy %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, "policy %s: not a regular file", path);
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return err_set(e, "policy %s: refused: must be owned by root "
		    "and not writable by group or others (owner %lu, mode "
		    "%03o)", path, (unsigned long)st.st_uid,
		    (unsigned)(st.st_mode & 0777));
	if ((n = fdio_read_all(fd, text, POLICY_FILE_MAX_BYTES, &re)) >= 0) {
		*len = (size_t)n;
		return 0;
	}
	if (errno == EMSGSIZE)	/* as policy_parse() says it */
		return err_set(e, "policy: %zu bytes, more than %u",
		    (size_t)POLICY_FILE_MAX_BYTES + 1,
		    (unsigned)POLICY_FILE_MAX_BYTES);
	return err_set(e, "policy %s: %s", path, strerror(errno));
}

int
policy_load(const char *path, bool optional, struct tunnel_policy *p,
    struct gp_err *e)
{
	char *text;
	size_t len = 0;
	int fd, r = -1;

	memset(p, 0, sizeof(*p));
	p->dns = true;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1 && errno == ENOENT && optional)
		return 0;
	if (fd == -1)
		return err_set(e, "policy %s: %s", path, strerror(errno));
	if ((text = malloc(POLICY_FILE_MAX_BYTES + 1)) == NULL) {
		err_set(e, "policy %s: out of memory", path);
		goto out;
	}
	if (policy_read_fd(fd, path, text, &len, e) == 0 &&
	    (r = policy_parse(text, len, p, e)) == 0)
		snprintf(p->source, sizeof(p->source), "%s", path);
	free(text);
out:
	close(fd);
	return r;
}
