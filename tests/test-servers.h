/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Real file servers on 127.0.0.1 for tests (tests/servers/serve.py): HTTP with Range, redirects
 * and chunked replies; HTTPS with a fresh self-signed certificate; FTP; FTPS (explicit TLS:
 * AUTH TLS on the control port). HTTP paths take the prefixes /redirect/, /chunked/, /norange/
 * and /slow/, and /to/URL redirects to any percent-encoded URL (see serve.py). Needs
 * ONEMO_TEST_SRCDIR (meson's test_env) and Debian's python3 with python3-pyftpdlib and
 * python3-openssl.
 */

typedef enum {
  TEST_SERVER_HTTP,
  TEST_SERVER_HTTPS,
  TEST_SERVER_FTP,
  TEST_SERVER_FTPS,
} TestServerKind;

typedef struct _TestServer TestServer;

/* FALSE, with the reason, when Debian's python3 or a module the servers need is not installed:
 * the one case where a test may skip instead of failing. */
gboolean test_servers_available (char **reason);

/* Serves @root_dir until stopped; @user/@password may be NULL (anonymous). Aborts the test with
 * g_error() when the server does not come up within a few seconds. */
TestServer *test_server_start (TestServerKind kind, const char *root_dir, const char *user,
                               const char *password);

guint16 test_server_port (TestServer *server);

/* HTTPS and FTPS: a PEM file holding the server's self-signed certificate, for clients that
 * verify it (removed by test_server_stop()); NULL for HTTP and FTP. */
const char *test_server_ca_file (TestServer *server);

/* "http://127.0.0.1:PORT/@path" (https, ftp, ftps alike; a leading '/' in @path is optional).
 * FTPS gives "ftps://…", the form the simulator maps to explicit TLS; plain libcurl reads
 * ftps:// as implicit TLS, so pass it an ftp:// URL with CURLOPT_USE_SSL instead. */
char *test_server_url (TestServer *server, const char *path);

/* Kills the server and reaps it. NULL is fine. */
void test_server_stop (TestServer *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_stop)

G_END_DECLS
