/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The few parts of ModemManager's private plugin ABI that the cmiot plugin uses. ModemManager
 * installs no headers for plugins, so they are declared here from its 1.20 sources (plugin ABI
 * 4.0; see plugin/README.md). meson builds this plugin only for a ModemManager version it knows,
 * and at load the plugin compares these layouts with the daemon's own types before using them.
 */

#include <glib-object.h>

G_BEGIN_DECLS

/* Opaque to us: only passed through. */
typedef struct _MMBaseModem MMBaseModem;
typedef struct _MMBroadbandModem MMBroadbandModem;
typedef struct _MMPortProbe MMPortProbe;

/* src/mm-plugin.h: the instance is a GObject and a private pointer. */
typedef struct {
  GObject parent;
  gpointer priv;
} MMPlugin;

typedef struct {
  GObjectClass parent;
  /* Mandatory. In 1.20 the subsystem vendor comes after the product (1.18 has none). */
  MMBaseModem *(*create_modem) (MMPlugin *self, const gchar *uid, const gchar **drivers,
                                guint16 vendor, guint16 product, guint16 subsystem_vendor,
                                GList *probes, GError **error);
  /* Optional: NULL lets the daemon grab each port with its probed type. */
  gboolean (*grab_port) (MMPlugin *self, MMBaseModem *modem, MMPortProbe *probe, GError **error);
#ifdef ONEMO_MM_PLUGIN_WRONG_LAYOUT
  gpointer not_in_modemmanager; /* tests only: a declaration that does not match the daemon */
#endif
} MMPluginClass;

/* src/mm-private-boxed-types.h: the element of MM_TYPE_UINT16_PAIR_ARRAY, 0-terminated. */
typedef struct {
  guint16 l;
  guint16 r;
} MMUint16Pair;

/* src/mm-log.h */
typedef enum {
  MM_LOG_LEVEL_ERR = 1 << 0,
  MM_LOG_LEVEL_WARN = 1 << 1,
  MM_LOG_LEVEL_INFO = 1 << 2,
  MM_LOG_LEVEL_DEBUG = 1 << 3,
} MMLogLevel;

/* The daemon's own functions, resolved from the ModemManager executable when it loads us. */
GType mm_plugin_get_type (void);
const gchar *mm_plugin_get_name (MMPlugin *self);
MMBroadbandModem *mm_broadband_modem_new (const gchar *device, const gchar **drivers,
                                          const gchar *plugin, guint16 vendor_id,
                                          guint16 product_id);
void _mm_log (gpointer obj, const gchar *module, const gchar *loc, const gchar *func,
              MMLogLevel level, const gchar *fmt, ...) G_GNUC_PRINTF (6, 7);

/* The construct properties of MMPlugin (src/mm-plugin.h). */
#define MM_PLUGIN_NAME                   "name"
#define MM_PLUGIN_ALLOWED_SUBSYSTEMS     "allowed-subsystems"
#define MM_PLUGIN_ALLOWED_PRODUCT_IDS    "allowed-product-ids"
#define MM_PLUGIN_ALLOWED_VENDOR_STRINGS "allowed-vendor-strings"
#define MM_PLUGIN_ALLOWED_AT             "allowed-at"

G_END_DECLS
