/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-error.h"

#include <gio/gio.h>
#include <string.h>

/* One row per code, in enum order: the D-Bus name and, for the module's own codes, the
 * number and the verbose text a module prints with AT+CMEE=2. */
static const struct {
  OnemoError code;
  const char *name;
  gint cme;
  const char *cme_text;
} error_table[] = {
  { ONEMO_ERROR_FAILED, "Failed", -1, NULL },
  { ONEMO_ERROR_UNKNOWN, "Unknown", 850, "unknown error" },
  { ONEMO_ERROR_CONFIG, "Config", 851, "configuration error" },
  { ONEMO_ERROR_URL_TYPE, "UrlType", 852, "URL type error" },
  { ONEMO_ERROR_WRITE, "Write", 853, "package write error" },
  { ONEMO_ERROR_UPGRADE, "Upgrade", 854, "firmware upgrade error" },
  { ONEMO_ERROR_DOWNLOAD, "Download", 855, "package download failed" },
  { ONEMO_ERROR_RETRIES_EXCEEDED, "RetriesExceeded", 856, "maximum error retries exceeded" },
  { ONEMO_ERROR_NO_NETWORK, "NoNetwork", 857, "no network" },
  { ONEMO_ERROR_MODULE, "Module", -1, NULL },
  { ONEMO_ERROR_PROTOCOL, "Protocol", -1, NULL },
  { ONEMO_ERROR_NOT_SUPPORTED, "NotSupported", -1, NULL },
  { ONEMO_ERROR_INVALID_ARGUMENT, "InvalidArgument", -1, NULL },
  { ONEMO_ERROR_BUSY, "Busy", -1, NULL },
  { ONEMO_ERROR_TIMEOUT, "Timeout", -1, NULL },
  { ONEMO_ERROR_PORT_GONE, "PortGone", -1, NULL },
  { ONEMO_ERROR_NOT_VERIFIED, "NotVerified", -1, NULL },
  { ONEMO_ERROR_CANCELLED, "Cancelled", -1, NULL },
  { ONEMO_ERROR_PERMISSION_DENIED, "PermissionDenied", -1, NULL },
  { ONEMO_ERROR_INTERRUPTED, "Interrupted", -1, NULL },
  { ONEMO_ERROR_NOT_RECORDED, "NotRecorded", -1, NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (error_table) == ONEMO_ERROR_N_CODES);

/* GDBus wants the names as a table of its own; built once from error_table. */
static GDBusErrorEntry dbus_entries[ONEMO_ERROR_N_CODES];

static void
fill_dbus_entries (void)
{
  for (guint i = 0; i < ONEMO_ERROR_N_CODES; i++) {
    g_assert (error_table[i].code == (OnemoError) i);
    dbus_entries[i].error_code = (gint) i;
    dbus_entries[i].dbus_error_name =
      g_strconcat (ONEMO_DBUS_ERROR_PREFIX, error_table[i].name, NULL);
  }
}

GQuark
onemo_error_quark (void)
{
  static gsize entries_ready = 0;
  static gsize quark = 0;

  if (g_once_init_enter (&entries_ready)) {
    fill_dbus_entries ();
    g_once_init_leave (&entries_ready, 1);
  }
  g_dbus_error_register_error_domain ("onemo-error-quark", &quark, dbus_entries,
                                      G_N_ELEMENTS (dbus_entries));
  return (GQuark) quark;
}

const char *
onemo_error_code_to_name (OnemoError code)
{
  if ((guint) code >= ONEMO_ERROR_N_CODES)
    return "Failed";
  return error_table[code].name;
}

OnemoError
onemo_error_from_cme_code (gint cme_code)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].cme == cme_code)
      return error_table[i].code;
  return ONEMO_ERROR_MODULE;
}

gint
onemo_error_to_cme_code (OnemoError code)
{
  if ((guint) code >= ONEMO_ERROR_N_CODES)
    return -1;
  return error_table[code].cme;
}

const char *
onemo_error_cme_text (gint cme_code)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].cme >= 0 && error_table[i].cme == cme_code)
      return error_table[i].cme_text;
  return NULL;
}

gint
onemo_error_cme_code_from_text (const char *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_table); i++)
    if (error_table[i].cme_text != NULL && g_ascii_strcasecmp (error_table[i].cme_text, text) == 0)
      return error_table[i].cme;
  return -1;
}

void
onemo_error_normalize (GError **error)
{
  if (error != NULL && *error != NULL && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_autofree char *message = g_strdup ((*error)->message);
    g_clear_error (error);
    g_set_error_literal (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED, message);
  }
}
