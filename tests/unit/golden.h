/* SPDX-License-Identifier: ISC */
/*
 * The one golden-file driver of the unit tests: golden_check compares
 * what a parser or printer made with a file under tests/data/, and
 * golden_dir runs every input of a directory through a printer against
 * NAME.ok. GOLDEN_UPDATE=1 (`make golden`) rewrites the files instead of
 * failing; review the diff. Test code only.
 */
#ifndef GPVPN_GOLDEN_H
#define GPVPN_GOLDEN_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN_IN_MAX	(4 * 1024 * 1024)
#define GOLDEN_DIR_MAX	1024

/* Prints what the parser made of body into fp. */
typedef void (*golden_fn)(FILE *fp, const char *body, size_t len);

/* The one switch: GOLDEN_UPDATE=1 rewrites the golden files. */
static int __attribute__((unused))
golden_update(void)
{
	const char *v = getenv("GOLDEN_UPDATE");

	return v != NULL && strcmp(v, "1") == 0;
}

/* The file at path, NUL-terminated (binary is fine), or NULL. */
static char * __attribute__((unused))
golden_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;

	*len = 0;
	if (fp == NULL)
		return NULL;
	p = malloc(GOLDEN_IN_MAX + 1);
	*len = p != NULL ? fread(p, 1, GOLDEN_IN_MAX, fp) : 0;
	fclose(fp);
	if (p != NULL)
		p[*len] = '\0';
	return p;
}

static int __attribute__((unused))
golden_write(const char *path, const char *got, size_t glen)
{
	FILE *fp = fopen(path, "wb");
	int rc = 0;

	if (fp == NULL)
		return -1;
	if (fwrite(got, 1, glen, fp) != glen)
		rc = -1;
	if (fclose(fp) == EOF)
		rc = -1;
	if (rc == -1)
		fprintf(stderr, "  %s: cannot write\n", path);
	return rc;
}

/*
 * 0 if the file at path holds exactly got (glen bytes); else -1, with
 * the first differing line and both texts on stderr. With GOLDEN_UPDATE=1
 * the file is rewritten first.
 */
static int __attribute__((unused))
golden_check(const char *path, const char *got, size_t glen)
{
	size_t wlen, i, line = 1;
	char *want;
	int rc;

	if (golden_update() && golden_write(path, got, glen) == -1)
		return -1;
	if ((want = golden_slurp(path, &wlen)) == NULL) {
		fprintf(stderr, "  %s: missing (GOLDEN_UPDATE=1 makes it)\n",
		    path);
		return -1;
	}
	for (i = 0; i < wlen && i < glen && want[i] == got[i]; i++)
		line += want[i] == '\n';
	rc = i == wlen && i == glen ? 0 : -1;
	if (rc == -1)
		fprintf(stderr, "  %s differs from line %zu (review, then "
		    "GOLDEN_UPDATE=1)\n--- want\n%s--- got\n%.*s---\n", path,
		    line, want, (int)glen, got);
	free(want);
	return rc;
}

static int __attribute__((unused))
golden_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One input through fn against its .ok; prints its TAP line. */
static int __attribute__((unused))
golden_dir_one(const char *dir, const char *name, golden_fn fn)
{
	char in[512], ok[512], *body, *got = NULL;
	size_t len, glen = 0;
	FILE *fp;
	int bad;

	snprintf(in, sizeof(in), "tests/data/%s/%s", dir, name);
	snprintf(ok, sizeof(ok), "%.*s.ok", (int)(strrchr(in, '.') - in), in);
	if ((body = golden_slurp(in, &len)) == NULL)
		return 1;
	fp = open_memstream(&got, &glen);
	fn(fp, body, len);
	fclose(fp);
	bad = golden_check(ok, got, glen) != 0;
	printf("%s - golden %s/%s\n", bad ? "not ok" : "ok", dir, name);
	free(body);
	free(got);
	return bad;
}

/* Returns the number of failures; also fails if the directory is empty. */
static int __attribute__((unused))
golden_dir(const char *dir, golden_fn fn)
{
	char path[256], *names[GOLDEN_DIR_MAX];
	struct dirent *de;
	size_t n = 0, i;
	int bad = 0;
	DIR *d;

	snprintf(path, sizeof(path), "tests/data/%s", dir);
	if ((d = opendir(path)) == NULL)
		return printf("not ok - golden %s: no directory\n", dir), 1;
	while ((de = readdir(d)) != NULL && n < GOLDEN_DIR_MAX) {
		const char *dot = strrchr(de->d_name, '.');

		if (de->d_name[0] == '.' || dot == NULL ||
		    strcmp(dot, ".ok") == 0)
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), golden_cmp);
	for (i = 0; i < n; i++) {
		bad += golden_dir_one(dir, names[i], fn);
		free(names[i]);
	}
	if (n == 0)
		return printf("not ok - golden %s: no inputs\n", dir), 1;
	return bad;
}

/* A string on one line: \n, \\ and non-ASCII bytes escaped. */
static void __attribute__((unused))
golden_str(FILE *fp, const char *name, const char *s)
{
	fprintf(fp, "%s: ", name);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n')
			fputs("\\n", fp);
		else if (c >= 0x20 && c < 0x7f && c != '\\')
			fputc(c, fp);
		else
			fprintf(fp, "\\x%02x", c);
	}
	fputc('\n', fp);
}

#endif
