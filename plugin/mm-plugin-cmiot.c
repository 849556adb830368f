/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ModemManager's plugin for China Mobile IoT (OneMO) modules: it claims them and drives them as
 * generic 3GPP AT modems, so that ModemManager names them and onemo-firmwared can find the modem
 * of a module it updates. What it claims (plugin/README.md):
 *  - every USB identity of the ID table that only OneMO modules use, by vendor and product ID;
 *  - any other tty whose AT+CGMI answers CMCC or CMIOT: that is how a shared identity such as
 *    1782:4d11 (also the Fibocom L610's) is claimed, only once the module names itself.
 */
#include "mm-plugin-abi.h"
#include "onemo-usb-ids.h"

#include <gmodule.h>

#define PLUGIN_NAME "cmiot"

/* Read by ModemManager before anything else: the plugin ABI this file was built for. */
G_MODULE_EXPORT const int mm_plugin_major_version = ONEMO_MM_PLUGIN_MAJOR;
G_MODULE_EXPORT const int mm_plugin_minor_version = ONEMO_MM_PLUGIN_MINOR;

G_MODULE_EXPORT MMPlugin *mm_plugin_create (void);

typedef struct {
  MMPlugin parent;
} CmiotPlugin;

typedef struct {
  MMPluginClass parent;
} CmiotPluginClass;

static MMBaseModem *
cmiot_create_modem (MMPlugin *self, const gchar *uid, const gchar **drivers, guint16 vendor,
                    guint16 product, guint16 subsystem_vendor, GList *probes, GError **error)
{
  /* A plain broadband modem: subclassing MMBroadbandModem would tie us to a class layout that
   * changes with ModemManager's build options. */
  return (MMBaseModem *)mm_broadband_modem_new (uid, drivers, mm_plugin_get_name (self), vendor,
                                                product);
}

static void
cmiot_plugin_class_init (gpointer klass, gpointer class_data)
{
  ((MMPluginClass *)klass)->create_modem = cmiot_create_modem;
}

static GType
cmiot_plugin_get_type (void)
{
  static GType type;

  if (type == 0)
    type = g_type_register_static_simple (mm_plugin_get_type (), "MMPluginCmiot",
                                          sizeof (CmiotPluginClass), cmiot_plugin_class_init,
                                          sizeof (CmiotPlugin), NULL, 0);
  return type;
}

/* A wrong guess at the daemon's layout must never reach it: compare before any use. */
static gboolean
layout_matches (void)
{
  GTypeQuery query;

  g_type_query (mm_plugin_get_type (), &query);
  if (query.instance_size == sizeof (MMPlugin) && query.class_size == sizeof (MMPluginClass))
    return TRUE;
  _mm_log (NULL, PLUGIN_NAME, G_STRLOC, G_STRFUNC, MM_LOG_LEVEL_WARN,
           "refusing to load: ModemManager's MMPlugin is %u bytes (class %u), this plugin was "
           "built for %zu (class %zu); rebuild onemo-firmware against this ModemManager",
           query.instance_size, query.class_size, sizeof (MMPlugin), sizeof (MMPluginClass));
  return FALSE;
}

/* The identities only OneMO modules use; shared ones wait for the vendor string. */
static MMUint16Pair *
exclusive_product_ids (void)
{
  GArray *ids = g_array_new (TRUE, TRUE, sizeof (MMUint16Pair));

  for (const OnemoUsbId *id = onemo_usb_id_table (); id->vendor_id != 0; id++) {
    MMUint16Pair pair = { id->vendor_id, id->product_id };
    if (!id->shared)
      g_array_append_val (ids, pair);
  }
  return (MMUint16Pair *)g_array_free (ids, FALSE);
}

MMPlugin *
mm_plugin_create (void)
{
  static const gchar *subsystems[] = { "tty", NULL };
  /* Compared as substrings of the casefolded AT+CGMI answer. */
  static const gchar *vendor_strings[] = { "cmcc", "cmiot", NULL };
  g_autofree MMUint16Pair *product_ids = NULL;

  /* NULL makes ModemManager log "initialization failed", unload us and go on without us. */
  if (!layout_matches ())
    return NULL;
  product_ids = exclusive_product_ids ();
  /* The boxed properties are copied: the array may go after construction. */
  return g_object_new (cmiot_plugin_get_type (), MM_PLUGIN_NAME, PLUGIN_NAME,
                       MM_PLUGIN_ALLOWED_SUBSYSTEMS, subsystems, MM_PLUGIN_ALLOWED_PRODUCT_IDS,
                       product_ids, MM_PLUGIN_ALLOWED_VENDOR_STRINGS, vendor_strings,
                       MM_PLUGIN_ALLOWED_AT, TRUE, NULL);
}
