/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the challenge text decoders (auth/htmltext.c):
 * the first byte picks an output size, the rest is a hostile body. The
 * entity decoder must only shrink its text; a JS string found must fit,
 * and one not found must leave its output empty and the cursor still.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/htmltext.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
js(const char *text, size_t len, size_t outsz)
{
	static const char *names[] = { "respStatus", "respMsg",
	    "inputStr.value" };
	char out[64];
	enum htmltext_js rc;
	struct cursor c;
	size_t i, at;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rc = htmltext_js_assign(text, len, names[i], out, outsz);
		if (rc == HTMLTEXT_JS_FOUND ? strlen(out) >= outsz :
		    out[0] != '\0')
			abort();
	}
	cur_init(&c, text, len);
	(void)cur_skip_ws(&c);
	at = c.off;
	if (htmltext_js_string(&c, out, outsz) == -1 ?
	    c.off != at || out[0] != '\0' :
	    strlen(out) >= outsz || c.off < 2)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t outsz, n;
	char *s;

	if (size < 1)
		return 0;
	outsz = 1 + data[0] % 64;
	data++;
	size--;
	js((const char *)data, size, outsz);
	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	n = htmltext_entities(s, size);
	if (n > size || s[n] != '\0')
		abort();
	js(s, n, outsz);
	free(s);
	return 0;
}
