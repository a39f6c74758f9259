/*
 * Pure parsers for the gateway's and portal's responses, used by gp-auth.
 * Input is untrusted: bytes in, struct and error out; no I/O, no globals,
 * no logging. One .c file per response kind implements these.
 */
#ifndef GPVPN_AUTH_PARSE_H
#define GPVPN_AUTH_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/config.h"
#include "ipc/err.h"

#define PARSE_TEXT_MAX		512		/* messages, labels */
#define PARSE_SAML_MAX		(64 * 1024)
#define PARSE_NAME_MAX		128
#define PARSE_INPUTSTR_MAX	256

/* prelogin.esp (PROTOCOL.md §3.2) */
struct prelogin {
	char	region[PARSE_NAME_MAX];
	char	auth_message[PARSE_TEXT_MAX];
	char	username_label[PARSE_NAME_MAX];
	char	password_label[PARSE_NAME_MAX];
	bool	saml;			/* saml-auth-method + saml-request */
	char	saml_method[16];	/* REDIRECT or POST */
	char	saml_request[PARSE_SAML_MAX];	/* still base64 */
};
/* 0 on <status>Success; -1 with the server's <msg> (or a parse error). */
int	prelogin_parse(const char *body, size_t len, struct prelogin *p,
	    struct gp_err *e);

/*
 * The saved login fields (PROTOCOL.md §5.3), URL-decoded. authcookie is a
 * secret: a struct gp_cookie lives in secret memory (cookie_new/free).
 */
struct gp_cookie {
	char	authcookie[CFG_AUTHCOOKIE_MAX + 1];
	char	portal[COOKIE_FIELD_MAX + 1];
	char	user[CFG_USER_MAX + 1];
	char	domain[COOKIE_FIELD_MAX + 1];
	char	preferred_ip[CFG_ADDR_STR_MAX];
	char	preferred_ipv6[CFG_ADDR_STR_MAX];
	char	computer[COOKIE_FIELD_MAX + 1];
};
struct gp_cookie *cookie_new(void);
void	cookie_free(struct gp_cookie *c);

/* login.esp / portal getconfig challenge (PROTOCOL.md §5.2, §5.5) */
enum login_kind {
	LOGIN_JNLP = 1,		/* success: cookie filled */
	LOGIN_CHALLENGE = 2	/* 2FA: prompt + input_str */
};
struct login_result {
	enum login_kind	kind;
	char	auth_source[PARSE_NAME_MAX];	/* arg 5, for display */
	int	password_expiry_days;		/* arg 13, -1 if absent */
	char	prompt[PARSE_TEXT_MAX];
	char	input_str[PARSE_INPUTSTR_MAX];
};
/* cookie receives the saved fields (computer is left to the caller). */
int	login_parse(const char *body, size_t len, struct login_result *r,
	    struct gp_cookie *cookie, struct gp_err *e);

/*
 * getconfig.esp (PROTOCOL.md §6.2): fills the tunnel fields of c (ip4/6,
 * mtu, dns, nbns, suffix, routes, timers, tunnel_path, esp). It does not
 * touch gw_*, authcookie or user. Unknown elements are ignored; values of
 * the elements used are strict. Calls config_validate() on nothing: the
 * caller validates once the gateway fields are filled in.
 */
int	getconfig_parse(const char *body, size_t len, struct gp_config *c,
	    struct gp_err *e);

/* hipreportcheck.esp: *needed = true when <hip-report-needed>yes. */
int	hipcheck_parse(const char *body, size_t len, bool *needed,
	    struct gp_err *e);

/*
 * <response status="error"><error>TEXT</error></response> and friends
 * (PROTOCOL.md §2): returns true and the text when body is an error.
 */
enum gp_error_class {
	GP_ERRCLASS_GENERIC = 0,
	GP_ERRCLASS_WRONG_INTERFACE,	/* gateway/portal does not exist */
	GP_ERRCLASS_COOKIE_REJECTED	/* fatal, exit 2 */
};
bool	response_error_parse(const char *body, size_t len, char *text,
	    size_t textsz, enum gp_error_class *cls);

/* OpenConnect's cookie string (§5.3): build and parse (COOKIE_STR_MAX). */
int	cookie_format(const struct gp_cookie *c, char *out, size_t outsz);
int	cookie_parse(const char *s, struct gp_cookie *c, struct gp_err *e);
/* The md5 input of PROTOCOL.md §11.2 */
int	cookie_format_hip(const struct gp_cookie *c, char *out, size_t outsz);

#endif
