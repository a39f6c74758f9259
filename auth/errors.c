/* SPDX-License-Identifier: ISC */
/*
 * Recognises a server's error answer (PROTOCOL.md §2) and classifies its
 * text, for gp-auth's flow. The body is untrusted; this only decides
 * "error or not" and returns printable text, never acting on it.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "parselim.h"
#include "xml.h"

/* §6.2: a plain-text getconfig answer meaning the cookie is bad. */
#define ERRORS_GETCONFIG_TEXT	"errors getting SSL/VPN config"

static const char *const errors_wrong_iface[] = {
	"GlobalProtect gateway does not exist",
	"GlobalProtect portal does not exist",
	NULL
};
static const char *const errors_cookie[] = {
	"Invalid authentication cookie",
	"Portal name not found",
	"Valid client certificate is required",
	"Allow Automatic Restoration of SSL VPN is disabled",
	NULL
};

static bool
errors_match(const char *text, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcasestr(text, *list) != NULL)
			return true;
	return false;
}

static enum gp_error_class
errors_classify(const char *text)
{
	if (errors_match(text, errors_wrong_iface))
		return GP_ERRCLASS_WRONG_INTERFACE;
	if (errors_match(text, errors_cookie) ||
	    strcasestr(text, ERRORS_GETCONFIG_TEXT) != NULL)
		return GP_ERRCLASS_COOKIE_REJECTED;
	return GP_ERRCLASS_GENERIC;
}

/* Copy for display: truncated to textsz, made printable. */
static void
errors_copy(char *text, size_t textsz, const char *s)
{
	size_t n;

	if (textsz == 0)
		return;
	n = strnlen(s, textsz - 1);
	memcpy(text, s, n);
	text[n] = '\0';
	xml_str_sanitize(text, false);
}

/* <response status="error"><error>TEXT</error></response> */
static bool
errors_response(const xmlNode *root, char *msg, size_t msgsz)
{
	char status[16];
	const xmlNode *n;
	struct gp_err e;

	if (xml_attr(root, "status", status, sizeof(status)) == -1 ||
	    strcasecmp(status, "error") != 0)
		return false;
	for (n = xml_child(root); n != NULL; n = xml_next(n))
		if (xml_is(n, "error") && xml_text(n, msg, msgsz, &e) == 0)
			return true;
	snprintf(msg, msgsz, "(no error text)");
	return true;
}

/* <prelogin-response><status>Error</status><msg>TEXT</msg> */
static bool
errors_prelogin(const xmlNode *root, char *msg, size_t msgsz)
{
	char status[32] = "";
	const xmlNode *n;
	struct gp_err e;

	msg[0] = '\0';
	for (n = xml_child(root); n != NULL; n = xml_next(n)) {
		if (xml_is(n, "status"))
			(void)xml_text(n, status, sizeof(status), &e);
		else if (xml_is(n, "msg"))
			(void)xml_text(n, msg, msgsz, &e);
	}
	if (status[0] == '\0' || strcmp(status, "Success") == 0)
		return false;
	if (msg[0] == '\0')
		snprintf(msg, msgsz, "%s", status);
	return true;
}

bool
errors_parse(const char *body, size_t len, char *text,
    size_t textsz, enum gp_error_class *cls)
{
	char msg[PARSE_TEXT_MAX] = "";
	struct gp_err e;
	xmlDoc *d;
	xmlNode *root;
	bool is_err = false;
	size_t n = len < sizeof(msg) - 1 ? len : sizeof(msg) - 1;

	if (textsz != 0)
		text[0] = '\0';
	*cls = GP_ERRCLASS_GENERIC;
	if (len > 0 && memchr(body, '\0', len) == NULL) {
		memcpy(msg, body, n);
		xml_str_trim(msg);
	}
	if (msg[0] != '<') {
		if (strncmp(msg, ERRORS_GETCONFIG_TEXT,
		    strlen(ERRORS_GETCONFIG_TEXT)) == 0)
			is_err = true;
	} else if ((d = xml_read(body, len, XML_MODE_RECOVER, "response",
	    &e)) != NULL) {
		if ((root = xml_root(d, "response")) != NULL)
			is_err = errors_response(root, msg, sizeof(msg));
		else if ((root = xml_root(d, "prelogin-response")) != NULL)
			is_err = errors_prelogin(root, msg, sizeof(msg));
		xml_free(d);
	}
	if (is_err) {
		*cls = errors_classify(msg);
		errors_copy(text, textsz, msg);
	}
	/* It may hold the start of a getconfig body. */
	explicit_bzero(msg, sizeof(msg));
	return is_err;
}
