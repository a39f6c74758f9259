/* SPDX-License-Identifier: ISC */
/*
 * Logging and fatal errors for every gpvpn process. Messages go to stderr
 * with the program name (and, with log_set_timestamp(), an ISO 8601 UTC
 * time), or to syslog (log_set_syslog()). Never pass a secret to these
 * functions: callers log field names and public values only.
 */
#ifndef GPVPN_LOG_H
#define GPVPN_LOG_H

#include <stdarg.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_TRACE
};

/* verbosity: -1 quiet (errors only), 0 normal (and warnings), 1 debug,
 * 2 trace */
void	log_init(const char *prog, int verbosity);
/* Each stderr line begins "2026-12-05T07:35:01.123Z ". */
void	log_set_timestamp(int on);
/* To syslog (a datagram to /dev/log, facility e.g. LOG_DAEMON), stderr
 * only when that fails. The socket is opened per message, so no
 * descriptor outlives a sandbox that closes descriptors. */
void	log_set_syslog(int facility);
/* Run as a service with no terminal: stderr is not a tty and systemd
 * started us ($INVOCATION_ID or $NOTIFY_SOCKET). */
int	log_service_mode(void);
/*
 * A process whose stderr is relayed by its parent (gp-tunnel [net] to
 * [priv]): while syslog is on, each line begins "<N>" with its syslog
 * severity, and the relay passes the line to log_relay().
 */
void	log_set_relayed(void);
/* The relay's side: one line from the child, untrusted (a "<N>" taken
 * only as a severity 3..7); to syslog or stderr as this process logs. */
void	log_relay(const char *line);
int	log_enabled(enum log_level lvl);
void	log_msg(enum log_level lvl, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

/*
 * None of these appends errno (OpenBSD's x-suffixed names): a caller
 * that wants it says strerror(errno) itself, so it is never printed
 * twice. fatal() below is the one that appends it.
 */
#define log_err(...)	log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define log_warnx(...)	log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
#define log_trace(...)	log_msg(LOG_LVL_TRACE, __VA_ARGS__)

/* fatal() appends strerror(errno); fatalx() does not. Both exit(1). */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
