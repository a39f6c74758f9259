/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's handle per origin (see http_pool.h). Runs in gp-auth; it
 * holds no untrusted input itself: origins come from the user's URL and
 * the portal's parsed list, answers stay in http.c. A handle is found by
 * its origin alone, so cookies never cross to another origin.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/http_pool.h"

struct http_pool {
	struct http	*h[HTTP_POOL_MAX];
	size_t		 n;
};

struct http_pool *
http_pool_new(void)
{
	return calloc(1, sizeof(struct http_pool));
}

void
http_pool_free(struct http_pool *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		http_free(p->h[i]);
	free(p);
}

struct http *
http_pool_find(const struct http_pool *p, const struct gw_target *t)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (http_same_origin(p->h[i], t))
			return p->h[i];
	return NULL;
}

struct http *
http_pool_open(struct http_pool *p, const struct http_opts *o,
    struct gp_err *e)
{
	struct http *h;

	if (http_pool_find(p, o->target) != NULL) {
		err_set(e, "%s: a handle is open for it already",
		    o->target->host);
		return NULL;
	}
	if (p->n == HTTP_POOL_MAX) {
		err_set(e, "%s: more than %d origins open at once",
		    o->target->host, HTTP_POOL_MAX);
		return NULL;
	}
	if ((h = http_new(o, e)) == NULL)
		return NULL;
	p->h[p->n++] = h;
	return h;
}

void
http_pool_close(struct http_pool *p, struct http *h)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (p->h[i] != h)
			continue;
		http_free(h);
		p->h[i] = p->h[--p->n];
		p->h[p->n] = NULL;
		return;
	}
}

size_t
http_pool_keep(struct http_pool *p, const struct http *keep)
{
	size_t i = 0, n = 0;

	while (i < p->n) {
		if (p->h[i] == keep) {
			i++;
			continue;
		}
		http_pool_close(p, p->h[i]);
		n++;
	}
	return n;
}

void
http_pool_idle(struct http_pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		http_idle(p->h[i]);
}

size_t
http_pool_count(const struct http_pool *p)
{
	return p->n;
}
