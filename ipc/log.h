/*
 * Logging and fatal errors for every gpvpn process. Messages go to stderr
 * with the program name. Never pass a secret to these functions: callers
 * log field names and public values only.
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

/* verbosity: -1 quiet (errors and warnings: a warning such as an insecure
 * mode must never be silenced), 0 normal, 1 debug, 2 trace */
void	log_init(const char *prog, int verbosity);
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
