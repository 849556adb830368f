/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-fetch.h"

G_BEGIN_DECLS

/* The URL (onemo_fetch_validate_url()) and the options: no control character in the user name
 * or password (it would end an FTP command early), a CA file that is a readable regular file.
 * Else ONEMO_ERROR_INVALID_ARGUMENT. */
gboolean onemo_fetch_validate_request (const char *url, const OnemoFetchOptions *options,
                                       GError **error);

/* @text without the "user:password@" of any URL in it, nor @secret (may be NULL) anywhere, nor
 * trailing white space. */
char *onemo_fetch_redact (const char *text, const char *secret);

G_END_DECLS
