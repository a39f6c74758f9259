/* SPDX-License-Identifier: ISC */
/*
 * Does -c's file hold the key (see certcheck.h)? Runs in gp-auth before
 * the sandbox and the client certificate loader; the file's bytes are
 * only searched for PEM markers, in secret memory wiped after.
 */
#define _GNU_SOURCE	/* memmem */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "auth/certcheck.h"
#include "ipc/fdio.h"
#include "ipc/secret.h"

static const char certcheck_pem[] = "-----BEGIN ";
static const char certcheck_key_end[] = "PRIVATE KEY-----";

/* The file's first CLIENTCERT_FILE_MAX bytes into buf: the length, or
 * -1 if it cannot be read (the loader reports that). */
static ssize_t
certcheck_read(const char *path, char *buf)
{
	struct gp_err e;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	n = fdio_read_all(fd, buf, CLIENTCERT_FILE_MAX, &e);
	close(fd);
	return n;
}

int
certcheck_key(const struct clientcert_opts *o, struct gp_err *e)
{
	char *buf;
	ssize_t n;
	bool pem, key;

	if (o->cert == NULL || o->key != NULL ||
	    strncmp(o->cert, "pkcs11:", 7) == 0)
		return 0;
	if ((buf = secret_alloc(CLIENTCERT_FILE_MAX)) == NULL)
		return 0;	/* the loader's allocation says it */
	n = certcheck_read(o->cert, buf);
	pem = n > 0 && memmem(buf, (size_t)n, certcheck_pem,
	    sizeof(certcheck_pem) - 1) != NULL;
	key = n > 0 && memmem(buf, (size_t)n, certcheck_key_end,
	    sizeof(certcheck_key_end) - 1) != NULL;
	secret_free(buf, CLIENTCERT_FILE_MAX);
	if (!pem || key)
		return 0;
	return err_set(e, "certificate `%s` holds no private key: give it "
	    "with -k KEYFILE", o->cert);
}
