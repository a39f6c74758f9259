/* SPDX-License-Identifier: ISC */
/*
 * hipreportcheck.esp response parser (PROTOCOL.md §11.1) for gp-auth.
 * The body is untrusted: strict XML, and the one value used must be
 * exactly "yes" or "no".
 */
#include <string.h>

#include "hipcheck.h"
#include "xml.h"

int
hipcheck_parse(const char *body, size_t len, bool *needed,
    struct gp_err *e)
{
	char v[8], q[ERR_QUOTE_MAX];
	xmlDoc *d;
	xmlNode *root, *n;
	int rc = -1, seen = 0;

	*needed = false;
	if ((d = xml_read(body, len, XML_MODE_STRICT, "hipcheck", e)) == NULL)
		return -1;
	if ((root = xml_root(d, "response")) == NULL) {
		err_set(e, "hipcheck: root element is not <response>");
		goto out;
	}
	for (n = xml_child(root); n != NULL; n = xml_next(n)) {
		if (!xml_is(n, "hip-report-needed"))
			continue;
		if (seen++ != 0) {
			err_set(e, "hipcheck: hip-report-needed given twice");
			goto out;
		}
		if (xml_text(n, v, sizeof(v), e) == -1)
			goto out;
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
			err_set(e, "hipcheck: hip-report-needed `%s` is not "
			    "yes or no", err_quote(q, v, strlen(v)));
			goto out;
		}
		*needed = strcmp(v, "yes") == 0;
	}
	if (seen == 0)
		err_set(e, "hipcheck: no <hip-report-needed>");
	else
		rc = 0;
out:
	xml_free(d);
	return rc;
}
