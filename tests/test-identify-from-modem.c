/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A module's identity from ModemManager's modem properties, as onemo-module-identify-mm.c reads
 * them: each value through the module's own parser, the sub-model from the revision (else the
 * module's hint); values ModemManager may have taken from the wrong line ask the port
 * (Protocol); only a Model that names no OneMO series is final (NotSupported). */
#include "onemo-module-identify.h"

typedef struct {
  const char *name;
  const char *manufacturer, *model, *revision, *imei;
  const char *hint; /* the sub-model the module was added with, or NULL */
  gint error;       /* -1: identified */
  const char *sub_model, *want_revision;
} Case;

#define IMEI "869487060000001"

static const Case cases[] = {
  { "plain", "CMCC", "ML307A", "ML307A-DSLN-MBRH0S00", IMEI, NULL, -1, "ML307A-DSLN",
    "ML307A-DSLN-MBRH0S00" },
  /* ModemManager strips up to "GMR:", not an ML302S's "Revision: ". */
  { "revision-prefix", "CMCC", "ML302S", "Revision: ML302S-DNLM-MBRH0S00", IMEI, NULL, -1,
    "ML302S-DNLM", "ML302S-DNLM-MBRH0S00" },
  { "model-with-suffix", "CMCC", "ML307R-DC", "ML307R-DC-V1.2", IMEI, NULL, -1, "ML307R-DC",
    "ML307R-DC-V1.2" },
  { "hint", "CMCC", "MN316", "B100SP2", IMEI, "MN316-DBRS", -1, "MN316-DBRS", "B100SP2" },
  { "urc-as-revision", "CMCC", "ML307A", "+CEREG: 1", IMEI, NULL, ONEMO_ERROR_PROTOCOL },
  { "urc-as-model", "CMCC", "^SYSSTART", "ML307A-DSLN-MBRH0S00", IMEI, NULL, ONEMO_ERROR_PROTOCOL },
  { "two-lines", "CMCC", "ML307A", "ML307A-DSLN-MBRH0S00\r\nOK", IMEI, NULL, ONEMO_ERROR_PROTOCOL },
  { "model-not-the-series", "CMCC", "ML302A", "ML307A-DSLN-MBRH0S00", IMEI, NULL,
    ONEMO_ERROR_PROTOCOL },
  { "no-manufacturer", NULL, "ML307A", "ML307A-DSLN-MBRH0S00", IMEI, NULL, ONEMO_ERROR_PROTOCOL },
  { "empty-model", "CMCC", "", "ML307A-DSLN-MBRH0S00", IMEI, NULL, ONEMO_ERROR_PROTOCOL },
  { "meid-not-imei", "CMCC", "ML307A", "ML307A-DSLN-MBRH0S00", "A1000012345678", NULL,
    ONEMO_ERROR_PROTOCOL },
  /* A OneMO series whose revision names no sub-model: the port may read it better. */
  { "onemo-unknown-revision", "CMCC", "ML307A", "B100SP2", IMEI, NULL, ONEMO_ERROR_PROTOCOL },
  /* Another vendor's module on a shared USB ID: final, the port is never touched. */
  { "another-vendor", "Fibocom", "L610", "16000.1000.00.96.18.02", IMEI, NULL,
    ONEMO_ERROR_NOT_SUPPORTED },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  OnemoDaemonOptions options;
  g_autoptr (OnemoModule) module = NULL;
  OnemoMmModemIdentity modem = { (char *)"/virtual/test", (char *)c->manufacturer, (char *)c->model,
                                 (char *)c->revision, (char *)c->imei };
  g_autoptr (GError) error = NULL;
  OnemoDBusFirmware *iface;
  gboolean ok;

  onemo_daemon_options_init (&options);
  module = onemo_module_new ("/dev/ttyUSB2", 115200, FALSE,
                             c->hint != NULL ? onemo_model_lookup (c->hint) : NULL, &options);
  ok = onemo_identify_from_modem (module, &modem, &error);
  iface = ONEMO_DBUS_FIRMWARE (module);
  if (c->error >= 0) {
    g_assert_error (error, ONEMO_ERROR, c->error);
    g_assert_false (ok);
    g_assert_null (onemo_dbus_firmware_get_sub_model (iface));
    return;
  }
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpstr (onemo_dbus_firmware_get_sub_model (iface), ==, c->sub_model);
  g_assert_cmpstr (onemo_dbus_firmware_get_revision (iface), ==, c->want_revision);
  g_assert_cmpstr (onemo_dbus_firmware_get_model (iface), ==, c->model);
  g_assert_cmpstr (onemo_dbus_firmware_get_manufacturer (iface), ==, c->manufacturer);
  g_assert_cmpstr (onemo_dbus_firmware_get_imei (iface), ==, c->imei);
  /* The capabilities are the model table's until the port answers the test forms. */
  g_assert_cmpuint (onemo_module_get_model (module)->features, ==,
                    onemo_model_lookup (c->sub_model)->features);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree char *path = g_strdup_printf ("/identify-from-modem/%s", cases[i].name);
    g_test_add_data_func (path, &cases[i], test_case);
  }
  return g_test_run ();
}
