/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The fetch helper's start: its request, framed (onemo-fetch-wire.h), and a process with
 * nothing of the daemon's but the proxy settings. */
#include "onemo-fetch-spawn.h"

#include "onemo-error.h"
#include "onemo-fetch-wire.h"

static GBytes *
build_request (const char *url, const OnemoFetchOptions *options, guint64 max_size, guint timeout_s)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GVariant) dict = NULL;
  guint connect = options && options->connect_timeout_s ? options->connect_timeout_s
                                                        : ONEMO_FETCH_DEFAULT_CONNECT_TIMEOUT;
  guint low_speed
      = options && options->low_speed ? options->low_speed : ONEMO_FETCH_DEFAULT_LOW_SPEED;

  g_variant_builder_add (&builder, "{sv}", "url", g_variant_new_string (url));
  if (options != NULL && options->user != NULL) {
    g_variant_builder_add (&builder, "{sv}", "user", g_variant_new_string (options->user));
    g_variant_builder_add (&builder, "{sv}", "password",
                           g_variant_new_string (options->password ? options->password : ""));
  }
  if (options != NULL && options->ca != NULL)
    g_variant_builder_add (&builder, "{sv}", "ca",
                           g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, options->ca, TRUE));
  g_variant_builder_add (&builder, "{sv}", "max-size", g_variant_new_uint64 (max_size));
  g_variant_builder_add (&builder, "{sv}", "connect-timeout", g_variant_new_uint32 (connect));
  g_variant_builder_add (&builder, "{sv}", "timeout", g_variant_new_uint32 (timeout_s));
  g_variant_builder_add (&builder, "{sv}", "low-speed", g_variant_new_uint32 (low_speed));
  dict = g_variant_ref_sink (g_variant_builder_end (&builder));
  return g_variant_get_data_as_bytes (dict);
}

static GBytes *
frame_request (GBytes *payload)
{
  gsize length = g_bytes_get_size (payload);
  GByteArray *frame = g_byte_array_sized_new ((guint)(ONEMO_FETCH_WIRE_HEADER + length));
  guint8 header[ONEMO_FETCH_WIRE_HEADER];

  onemo_fetch_wire_header (header, ONEMO_FETCH_FRAME_REQUEST, (guint32)length);
  g_byte_array_append (frame, header, sizeof header);
  g_byte_array_append (frame, g_bytes_get_data (payload, NULL), (guint)length);
  return g_byte_array_free_to_bytes (frame);
}

/* The one part of the daemon's environment the helper gets: the proxies an administrator set
 * for host-side fetches (onemo-firmwared(8)), which libcurl reads there. */
static GStrv
proxy_environment (void)
{
  static const char *const names[]
      = { "http_proxy", "https_proxy", "HTTPS_PROXY", "ftp_proxy", "FTP_PROXY", "ftps_proxy",
          "FTPS_PROXY", "all_proxy",   "ALL_PROXY",   "no_proxy",  "NO_PROXY" };
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    const char *value = g_getenv (names[i]);

    if (value != NULL) {
      g_autofree char *variable = g_strconcat (names[i], "=", value, NULL);

      g_strv_builder_add (builder, variable);
    }
  }
  return g_strv_builder_end (builder);
}

GSubprocess *
onemo_fetch_spawn_helper (const char *path, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  const char *const argv[] = { path, NULL };
  g_auto (GStrv) environment = proxy_environment ();
  GSubprocess *helper;
  GError *spawn_error = NULL;

  g_subprocess_launcher_set_environ (launcher, environment);
  g_subprocess_launcher_set_cwd (launcher, "/");
  helper = g_subprocess_launcher_spawnv (launcher, argv, &spawn_error);
  if (helper == NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_FAILED, "cannot start the fetch helper: %s",
                 spawn_error->message);
    g_error_free (spawn_error);
  }
  return helper;
}

GBytes *
onemo_fetch_request_frame (const char *url, const OnemoFetchOptions *options, guint64 max_size,
                           guint timeout_s)
{
  g_autoptr (GBytes) payload = build_request (url, options, max_size, timeout_s);

  return frame_request (payload);
}
