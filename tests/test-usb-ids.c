/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The USB identity table against spec §8. */
#include "onemo-model.h"
#include "onemo-usb-ids.h"

static void
test_lookup (void)
{
  static const struct {
    guint16 vid, pid;
    gboolean known;
    gboolean shared;
  } cases[] = {
    { 0x2ecc, 0x3010, TRUE, FALSE },  { 0x2ecc, 0x3012, TRUE, FALSE },
    { 0x2ecc, 0x3015, TRUE, FALSE },  { 0x2ecc, 0x300f, FALSE, FALSE },
    { 0x2ecc, 0x3016, FALSE, FALSE }, { 0x1782, 0x4d11, TRUE, TRUE },
    { 0x1782, 0x4d10, FALSE, FALSE }, { 0x2c7c, 0x0125, FALSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const OnemoUsbId *id = onemo_usb_id_lookup (cases[i].vid, cases[i].pid);
    g_assert_true ((id != NULL) == cases[i].known);
    if (id != NULL) {
      g_assert_cmpuint (id->at_interface, ==, 2);
      g_assert_true (id->shared == cases[i].shared);
    }
  }
}

static void
test_accepts_model (void)
{
  const OnemoUsbId *asr = onemo_usb_id_lookup (0x2ecc, 0x3012);
  const OnemoUsbId *unisoc = onemo_usb_id_lookup (0x1782, 0x4d11);

  g_assert_true (onemo_usb_id_accepts_model (asr, "ML307A"));
  g_assert_true (onemo_usb_id_accepts_model (asr, "ML307R-DC"));
  g_assert_false (onemo_usb_id_accepts_model (asr, "ML302A"));
  g_assert_true (onemo_usb_id_accepts_model (unisoc, "ML302S"));
  g_assert_false (onemo_usb_id_accepts_model (unisoc, "L610"));
  g_assert_false (onemo_usb_id_accepts_model (unisoc, "ML302AX"));
  g_assert_false (onemo_usb_id_accepts_model (unisoc, NULL));
}

/* Every series an identity names is a series of the model table. */
static void
test_series_in_model_table (void)
{
  guint rows = 0;

  for (const OnemoUsbId *id = onemo_usb_id_table (); id->vendor_id != 0; id++, rows++)
    for (const char *const *series = id->series; *series != NULL; series++)
      g_assert_nonnull (onemo_model_lookup_series (*series));
  g_assert_cmpuint (rows, ==, 7);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/usb-ids/lookup", test_lookup);
  g_test_add_func ("/usb-ids/accepts-model", test_accepts_model);
  g_test_add_func ("/usb-ids/series-in-model-table", test_series_in_model_table);
  return g_test_run ();
}
