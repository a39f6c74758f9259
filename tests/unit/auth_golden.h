/*
 * Golden-file driver for gp-auth's parser tests: every input file in
 * tests/data/<dir>/ is run through a printer and compared with NAME.ok.
 * Test code only; GOLDEN_UPDATE=1 in the environment rewrites the .ok.
 */
#ifndef GPVPN_AUTH_GOLDEN_H
#define GPVPN_AUTH_GOLDEN_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN_IN_MAX	(4 * 1024 * 1024)

/* Prints what the parser made of body into fp. */
typedef void (*golden_fn)(FILE *fp, const char *body, size_t len);

static char *
golden_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p;

	if (fp == NULL)
		return NULL;
	p = malloc(GOLDEN_IN_MAX + 1);
	*len = p != NULL ? fread(p, 1, GOLDEN_IN_MAX, fp) : 0;
	fclose(fp);
	if (p != NULL)
		p[*len] = '\0';
	return p;
}

static int
golden_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
golden_one(const char *dir, const char *name, golden_fn fn)
{
	char in[512], ok[512], *body, *want, *got = NULL;
	size_t len, wlen, glen = 0;
	FILE *fp;
	int bad;

	snprintf(in, sizeof(in), "tests/data/%s/%s", dir, name);
	snprintf(ok, sizeof(ok), "%.*s.ok", (int)(strrchr(in, '.') - in), in);
	if ((body = golden_slurp(in, &len)) == NULL)
		return 1;
	fp = open_memstream(&got, &glen);
	fn(fp, body, len);
	fclose(fp);
	if (getenv("GOLDEN_UPDATE") != NULL && (fp = fopen(ok, "w")) != NULL) {
		fputs(got, fp);
		fclose(fp);
	}
	want = golden_slurp(ok, &wlen);
	bad = want == NULL || strcmp(want, got) != 0;
	printf("%s - golden %s/%s\n", bad ? "not ok" : "ok", dir, name);
	if (bad)
		fprintf(stderr, "--- want (%s)\n%s--- got\n%s", ok,
		    want != NULL ? want : "(missing)\n", got);
	free(body);
	free(want);
	free(got);
	return bad;
}

/* Returns the number of failures; also fails if the directory is empty. */
static int
golden_dir(const char *dir, golden_fn fn)
{
	char path[256], *names[1024];
	struct dirent *de;
	size_t n = 0, i;
	int bad = 0;
	DIR *d;

	snprintf(path, sizeof(path), "tests/data/%s", dir);
	if ((d = opendir(path)) == NULL)
		return printf("not ok - golden %s: no directory\n", dir), 1;
	while ((de = readdir(d)) != NULL && n < 1024) {
		const char *dot = strrchr(de->d_name, '.');

		if (de->d_name[0] == '.' || dot == NULL ||
		    strcmp(dot, ".ok") == 0)
			continue;
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), golden_cmp);
	for (i = 0; i < n; i++) {
		bad += golden_one(dir, names[i], fn);
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
