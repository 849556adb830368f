/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * onemo-firmware-fetch: the host-side download of onemo-firmwared, in a process of its own so
 * that libcurl and its TLS, Kerberos, LDAP and SSH libraries never map into the daemon. The
 * daemon spawns it once per fetch with an empty environment and three fds: the request on stdin,
 * the package on stdout (onemo-fetch-wire.h), stderr for a crash's last words. It is not meant to
 * be run by hand.
 */
#include "fetch-transfer.h"

#include "onemo-error.h"
#include "onemo-fetch-url.h"
#include "onemo-fetch-wire.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define EXIT_USAGE 2

/* The one REQUEST frame, up to end-of-file. */
static GVariant *
read_request (GError **error)
{
  g_autoptr (OnemoFetchWireReader) reader = onemo_fetch_wire_reader_new ();
  OnemoFetchFrame type;
  const guint8 *payload;
  gsize length;
  guint8 buffer[16384];
  gssize got;

  while ((got = read (STDIN_FILENO, buffer, sizeof buffer)) != 0) {
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot read the request: %s",
                   g_strerror (errno));
      return NULL;
    }
    onemo_fetch_wire_reader_feed (reader, buffer, (gsize)got);
  }
  if (!onemo_fetch_wire_reader_next (reader, &type, &payload, &length, error)
      || type != ONEMO_FETCH_FRAME_REQUEST || onemo_fetch_wire_reader_pending (reader) != 0) {
    if (error != NULL && *error == NULL)
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "no request, or more than one");
    return NULL;
  }
  return g_variant_ref_sink (g_variant_new_from_data (
      G_VARIANT_TYPE_VARDICT, g_memdup2 (payload, length), length, FALSE, g_free, NULL));
}

/* Reads @dict into @request and checks it as the daemon did: this process trusts nobody. */
static gboolean
parse_request (GVariant *dict, FetchRequest *request, GError **error)
{
  g_autoptr (GVariant) ca = NULL;
  guint64 max_size = 0;

  if (!g_variant_is_normal_form (dict) || !g_variant_lookup (dict, "url", "s", &request->url)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "a request without a url");
    return FALSE;
  }
  g_variant_lookup (dict, "user", "s", &request->user);
  g_variant_lookup (dict, "password", "s", &request->password);
  g_variant_lookup (dict, "max-size", "t", &max_size);
  g_variant_lookup (dict, "connect-timeout", "u", &request->connect_timeout_s);
  g_variant_lookup (dict, "timeout", "u", &request->timeout_s);
  g_variant_lookup (dict, "low-speed", "u", &request->low_speed);
  ca = g_variant_lookup_value (dict, "ca", G_VARIANT_TYPE_BYTESTRING);
  if (ca != NULL)
    request->ca = g_variant_get_data_as_bytes (ca);
  request->max_size = max_size;
  if (max_size == 0 || request->connect_timeout_s == 0 || request->timeout_s == 0) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED,
                 "a request without max-size, connect-timeout or timeout");
    return FALSE;
  }
  return onemo_fetch_validate_url (request->url, error)
         && onemo_fetch_validate_credential (request->user, "user name", error)
         && onemo_fetch_validate_credential (request->password, "password", error)
         && onemo_fetch_validate_ca (request->ca, error);
}

static void
send_error (const GError *error)
{
  g_autoptr (GByteArray) payload = g_byte_array_new ();
  guint8 code = error->domain == ONEMO_ERROR ? (guint8)error->code : ONEMO_ERROR_FAILED;
  gsize length = MIN (strlen (error->message), 4000);

  g_byte_array_append (payload, &code, 1);
  g_byte_array_append (payload, (const guint8 *)error->message, (guint)length);
  fetch_write_frame (STDOUT_FILENO, ONEMO_FETCH_FRAME_ERROR, payload->data, payload->len);
}

int
main (int argc, char **argv)
{
  g_auto (FetchRequest) request = { 0 };
  g_autoptr (GVariant) dict = NULL;
  g_autoptr (GError) error = NULL;

  if (argc != 1 || isatty (STDOUT_FILENO)) {
    g_printerr ("%s: spawned by onemo-firmwared, not meant to be run by hand\n", argv[0]);
    return EXIT_USAGE;
  }
  /* A daemon that dies takes its download with it; a daemon that stops reading ends it too. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  signal (SIGPIPE, SIG_IGN);

  dict = read_request (&error);
  if (dict == NULL || !parse_request (dict, &request, &error)
      || !fetch_transfer_run (&request, STDOUT_FILENO, &error)) {
    send_error (error);
    return EXIT_FAILURE;
  }
  return fetch_write_frame (STDOUT_FILENO, ONEMO_FETCH_FRAME_END, NULL, 0) ? EXIT_SUCCESS
                                                                           : EXIT_FAILURE;
}
