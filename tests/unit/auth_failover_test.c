/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the gateway failover (auth/gwchoice.c: which failures
 * move on, the order by probe time) and of the probe itself
 * (auth/gwprobe.c) against loopback listeners. Test code only.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/gwchoice.h"
#include "auth/gwprobe.h"
#include "ipc/clock.h"
#include "t.h"

static struct gw_fail
answer(long status, const char *text, enum gp_error_class cls)
{
	struct gw_fail g;

	memset(&g, 0, sizeof(g));
	g.kind = GWFAIL_ANSWER;
	g.status = status;
	if (text != NULL) {
		g.has_text = true;
		g.cls = cls;
		snprintf(g.text, sizeof(g.text), "%s", text);
	}
	return g;
}

static bool
moves_on(struct gw_fail g)
{
	const char *why = "unset";
	bool r = gwchoice_failover(&g, &why);

	/* A reason exactly when it stops. */
	T_EQ_INT(r, (why == NULL));
	return r;
}

static void
failover_gateway_faults(void)
{
	struct gw_fail g;

	memset(&g, 0, sizeof(g));
	g.kind = GWFAIL_TRANSPORT;	/* refused, silent, TLS */
	T_CHECK(moves_on(g));
	g.kind = GWFAIL_RESOLVE;
	T_CHECK(moves_on(g));
	g.kind = GWFAIL_MALFORMED;
	T_CHECK(moves_on(g));
	g.challenged = true;		/* a broken answer after 2FA too */
	T_CHECK(moves_on(g));
	T_CHECK(moves_on(answer(500, NULL, GP_ERRCLASS_GENERIC)));
	T_CHECK(moves_on(answer(503, NULL, GP_ERRCLASS_GENERIC)));
	T_CHECK(moves_on(answer(404, NULL, GP_ERRCLASS_GENERIC)));
	T_CHECK(moves_on(answer(403, NULL, GP_ERRCLASS_GENERIC)));
	T_CHECK(moves_on(answer(500, "Internal error", GP_ERRCLASS_GENERIC)));
	T_CHECK(moves_on(answer(200, "address pool exhausted",
	    GP_ERRCLASS_GENERIC)));
	T_CHECK(moves_on(answer(200, "Max number of users reached",
	    GP_ERRCLASS_GENERIC)));
	T_CHECK(moves_on(answer(200, "GlobalProtect gateway does not exist",
	    GP_ERRCLASS_WRONG_INTERFACE)));
}

static void
failover_user_faults(void)
{
	struct gw_fail g;

	memset(&g, 0, sizeof(g));
	g.kind = GWFAIL_OTHER;		/* terminal, stdin, SAML, limits */
	T_CHECK(!moves_on(g));
	T_CHECK(!moves_on(answer(512, NULL, GP_ERRCLASS_GENERIC)));
	T_CHECK(!moves_on(answer(512, "Invalid username or password",
	    GP_ERRCLASS_GENERIC)));
	T_CHECK(!moves_on(answer(401, NULL, GP_ERRCLASS_GENERIC)));
	T_CHECK(!moves_on(answer(513, NULL, GP_ERRCLASS_GENERIC)));
	T_CHECK(!moves_on(answer(200, "Account \"alice\" is locked",
	    GP_ERRCLASS_GENERIC)));
	T_CHECK(!moves_on(answer(200, "Authentication failed: bad PASSCODE",
	    GP_ERRCLASS_GENERIC)));
	T_CHECK(!moves_on(answer(200, "Your password has expired",
	    GP_ERRCLASS_GENERIC)));
	T_CHECK(!moves_on(answer(200, "Valid client certificate is required",
	    GP_ERRCLASS_COOKIE_REJECTED)));
	T_CHECK(!moves_on(answer(200, "Invalid authentication cookie",
	    GP_ERRCLASS_COOKIE_REJECTED)));
	/* Any refusal after a 2FA answer is the answer's: no spraying. */
	g = answer(200, "Internal error", GP_ERRCLASS_GENERIC);
	g.challenged = true;
	T_CHECK(!moves_on(g));
	/* A 5xx with a credential text stops too. */
	T_CHECK(!moves_on(answer(500, "invalid credentials",
	    GP_ERRCLASS_GENERIC)));
}

static void
ties_leading_equal(void)
{
	struct portal_policy *p = portal_new();
	static const uint32_t prio[] = { 3, 3, 3, 5, 3 };
	size_t i;

	T_EQ_INT(gwchoice_ties(p), 0);
	p->ngw = 5;
	for (i = 0; i < 5; i++)
		p->gw[i].prio = prio[i];
	T_EQ_INT(gwchoice_ties(p), 3);	/* sorted lists only: the first run */
	p->gw[1].prio = 4;
	T_EQ_INT(gwchoice_ties(p), 1);
	p->ngw = 1;
	T_EQ_INT(gwchoice_ties(p), 1);
	portal_free(p);
}

static bool
order_is(const int32_t *ms, size_t n, const size_t *want)
{
	size_t order[8], i;

	memset(order, 0xff, sizeof(order));
	gwchoice_order(ms, n, order);
	for (i = 0; i < n; i++)
		if (order[i] != want[i]) {
			fprintf(stderr, "  order[%zu] = %zu, want %zu\n", i,
			    order[i], want[i]);
			return false;
		}
	return true;
}

static void
order_by_probe(void)
{
	const int32_t fast_second[] = { 300, 2 };
	const size_t want1[] = { 1, 0 };
	const int32_t ties[] = { 7, 3, 8, 40 };	/* 7 and 8 tie with 3 */
	const size_t want2[] = { 0, 1, 2, 3 };
	const int32_t mixed[] = { -1, 90, 10, -1, 50, 12 };
	const size_t want3[] = { 2, 5, 4, 1, 0, 3 };
	const int32_t none[] = { -1, -1, -1 };
	const size_t want4[] = { 0, 1, 2 };
	const int32_t equal[] = { 20, 100, 20, 100 };
	const size_t want5[] = { 0, 2, 1, 3 };

	T_CHECK(order_is(fast_second, 2, want1));
	T_CHECK(order_is(ties, 4, want2));
	T_CHECK(order_is(mixed, 6, want3));
	T_CHECK(order_is(none, 3, want4));
	T_CHECK(order_is(equal, 4, want5));	/* stable among slower */
}

/* A loopback listener; its port in *port, -1 on failure. */
static int
listener(int backlog, uint16_t *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, backlog) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

static void
loopback(struct gwprobe_addr *a, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	a->addr.family = CFG_AF_INET;
	a->addr.bytes[0] = 127;
	a->addr.bytes[3] = 1;
	a->port = port;
}

/* A SYN to a listener whose accept queue is full is dropped: silence. */
static int
full_listener(uint16_t *port, int *filler)
{
	struct sockaddr_in sin;
	int fd = listener(0, port);

	*filler = -1;
	if (fd == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(*port);
	if ((*filler = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(*filler, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
probe_loopback(void)
{
	struct gwprobe_addr a[4];
	int32_t ms[4];
	uint16_t up = 0, closed = 0, silent = 0;
	int lfd = listener(8, &up), cfd = listener(8, &closed), sfd, filler;
	int64_t t0, took;

	T_CHECK(lfd != -1);
	T_CHECK(cfd != -1);
	close(cfd);			/* nothing listens there now: RST */
	sfd = full_listener(&silent, &filler);
	T_CHECK(sfd != -1);
	loopback(&a[0], closed);
	loopback(&a[1], up);
	memset(&a[2], 0, sizeof(a[2]));	/* not resolved: skipped */
	loopback(&a[3], silent);
	t0 = clock_now_ms();
	gwprobe_run(a, 4, 300, ms);
	took = clock_now_ms() - t0;
	T_EQ_INT(ms[0], GWCHOICE_NO_ANSWER);
	T_CHECK(ms[1] >= 0);
	T_CHECK(ms[1] < 300);
	T_EQ_INT(ms[2], GWCHOICE_NO_ANSWER);
	T_EQ_INT(ms[3], GWCHOICE_NO_ANSWER);
	/* Bounded by the silent one: about the bound, not more. */
	T_CHECK(took >= 290);
	T_CHECK(took < 1000);
	close(lfd);
	if (sfd != -1)
		close(sfd);
	if (filler != -1)
		close(filler);
}

static void
probe_all_answer_fast(void)
{
	struct gwprobe_addr a[2];
	int32_t ms[2];
	uint16_t p1 = 0, p2 = 0;
	int f1 = listener(8, &p1), f2 = listener(8, &p2);
	int64_t t0;

	T_CHECK(f1 != -1);
	T_CHECK(f2 != -1);
	loopback(&a[0], p1);
	loopback(&a[1], p2);
	t0 = clock_now_ms();
	gwprobe_run(a, 2, GWPROBE_BOUND_MS, ms);
	/* No waiting for the bound once every gateway has answered. */
	T_CHECK(clock_now_ms() - t0 < 500);
	T_CHECK(ms[0] >= 0);
	T_CHECK(ms[1] >= 0);
	close(f1);
	close(f2);
}

int
main(void)
{
	T_RUN(failover_gateway_faults);
	T_RUN(failover_user_faults);
	T_RUN(ties_leading_equal);
	T_RUN(order_by_probe);
	T_RUN(probe_loopback);
	T_RUN(probe_all_answer_fast);
	return T_DONE();
}
