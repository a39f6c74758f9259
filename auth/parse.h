/*
 * Transitional: auth/login.c (another branch's file this round) still
 * includes this name. Each parser now has its own header (prelogin.h,
 * login.h, cookie.h, getconfig.h, hipcheck.h, errors.h); this file goes
 * once login.c includes login.h. Declares nothing itself.
 */
#ifndef GPVPN_AUTH_PARSE_H
#define GPVPN_AUTH_PARSE_H

#include "auth/login.h"

#endif
