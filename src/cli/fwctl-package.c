/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Package sources: a file opened here and passed as an fd, or a URL, and their options. */
#include "config.h"

#include "fwctl-package.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* The service's cap (ONEMO_FETCH_MAX_CA_SIZE): the CLI sees only the library's headers. */
#define FWCTL_CA_MAX_SIZE (1024 * 1024)

void
fwctl_package_options_clear (FwctlPackageOptions *options)
{
  g_clear_pointer (&options->mode, g_free);
  g_clear_pointer (&options->user, g_free);
  g_clear_pointer (&options->ca_file, g_free);
  g_clear_pointer (&options->via, g_free);
}

GArray *
fwctl_package_entries (FwctlPackageOptions *options, FwctlPackageEntries which)
{
  GArray *entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  const GOptionEntry via[] = {
    { "via", 0, 0, G_OPTION_ARG_STRING, &options->via,
      N_ ("Who downloads a URL: “host” or “module” (default: what the module does best)"),
      N_ ("WHO") },
  };
  const GOptionEntry server[] = {
    { "user", 0, 0, G_OPTION_ARG_STRING, &options->user, N_ ("User name for the server"),
      N_ ("USER") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &options->password_stdin,
      N_ ("Read the password from the first line of standard input"), NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &options->ca_file,
      N_ ("CA certificates to verify the server with"), N_ ("FILE") },
  };
  const GOptionEntry mode[] = {
    { "mode", 0, 0, G_OPTION_ARG_STRING, &options->mode,
      N_ ("How to write: “transparent” (raw bytes) or “hex”"), N_ ("MODE") },
  };
  const GOptionEntry offset[] = {
    { "offset", 0, 0, G_OPTION_ARG_INT64, &options->offset,
      N_ ("Resume an interrupted write at this byte of the package"), N_ ("BYTES") },
  };

  if (which & FWCTL_PACKAGE_VIA)
    g_array_append_vals (entries, via, G_N_ELEMENTS (via));
  if (which & FWCTL_PACKAGE_SERVER)
    g_array_append_vals (entries, server, G_N_ELEMENTS (server));
  if (which & FWCTL_PACKAGE_MODE)
    g_array_append_vals (entries, mode, G_N_ELEMENTS (mode));
  if (which & FWCTL_PACKAGE_OFFSET)
    g_array_append_vals (entries, offset, G_N_ELEMENTS (offset));
  return entries;
}

static gboolean
usage (GError **error, const char *message)
{
  g_set_error_literal (error, FWCTL_ERROR, FWCTL_ERROR_USAGE, message);
  return FALSE;
}

/* The CA bundle travels as bytes: the service, running as root, opens no path for a caller.
 * Read here, as the caller, from a regular file no larger than the service takes. */
static GBytes *
read_ca_file (const char *path, GError **error)
{
  struct stat st;
  char *contents = NULL;
  gsize length = 0;

  gboolean known = g_stat (path, &st) == 0; /* if not, g_file_get_contents() says why */

  if (known && !S_ISREG (st.st_mode)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _ ("%s: not a regular file"), path);
    return NULL;
  }
  if (known && st.st_size > FWCTL_CA_MAX_SIZE) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 _ ("%s: a CA bundle may hold at most %d bytes"), path, FWCTL_CA_MAX_SIZE);
    return NULL;
  }
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  return g_bytes_new_take (contents, length);
}

gboolean
fwctl_package_options_build (FwctlPackageOptions *options, GVariantBuilder *builder, GError **error)
{
  if (options->mode != NULL && !g_str_equal (options->mode, "hex")
      && !g_str_equal (options->mode, "transparent"))
    return usage (error, _ ("--mode is “hex” or “transparent”"));
  if (options->via != NULL && !g_str_equal (options->via, "host")
      && !g_str_equal (options->via, "module"))
    return usage (error, _ ("--via is “host” or “module”"));
  if (options->offset < -1)
    return usage (error, _ ("--offset cannot be negative"));
  if (options->password_stdin && options->user == NULL)
    return usage (error, _ ("--password-stdin needs --user"));

  if (options->mode != NULL)
    g_variant_builder_add (builder, "{sv}", "mode", g_variant_new_string (options->mode));
  if (options->offset >= 0)
    g_variant_builder_add (builder, "{sv}", "offset",
                           g_variant_new_uint64 ((guint64)options->offset));
  if (options->via != NULL)
    g_variant_builder_add (builder, "{sv}", "via", g_variant_new_string (options->via));
  if (options->user != NULL)
    g_variant_builder_add (builder, "{sv}", "user", g_variant_new_string (options->user));
  if (options->password_stdin) {
    g_autofree char *password = fwctl_read_stdin_line (error);
    if (password == NULL)
      return FALSE;
    g_variant_builder_add (builder, "{sv}", "password", g_variant_new_string (password));
  }
  if (options->ca_file != NULL) {
    g_autoptr (GBytes) ca = read_ca_file (options->ca_file, error);

    if (ca == NULL)
      return FALSE;
    g_variant_builder_add (builder, "{sv}", "ca",
                           g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, ca, TRUE));
  }
  return TRUE;
}

gboolean
fwctl_package_open (const char *path, GUnixFDList *fd_list, gint *out_index, GError **error)
{
  struct stat st;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  int saved_errno = errno;

  if (fd < 0) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno), "%s: %s", path,
                 g_strerror (saved_errno));
    return FALSE;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, _ ("%s: not a regular file"), path);
    close (fd);
    return FALSE;
  }
  *out_index = g_unix_fd_list_append (fd_list, fd, error);
  close (fd);
  return *out_index >= 0;
}

gboolean
fwctl_package_is_url (const char *source)
{
  const char *scheme = g_uri_peek_scheme (source);

  return scheme != NULL && strstr (source, "://") != NULL;
}
