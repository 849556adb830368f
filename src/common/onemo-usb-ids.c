/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The USB identities of OneMO modules, from public drivers and CMIoT's manuals (spec §8; verify
 * on hardware). ML307A and ML307R (ASR chipset) enumerate as 2ecc:3012, RIL builds as
 * 2ecc:3010–3015; ML302A/ML302S (UNISOC 8910DM) as 1782:4d11, which the Fibocom L610 uses as
 * well, so those are claimed only once AT+CGMM names a OneMO series. The AT port is interface 02.
 */
#include "onemo-usb-ids.h"

#include <string.h>

static const char *const asr_series[] = { "ML307A", "ML307R", NULL };
static const char *const unisoc_series[] = { "ML302A", "ML302S", NULL };

#define ASR(pid)                                                                                   \
  {                                                                                                \
    0x2ecc, pid, 2, FALSE, asr_series, "ASR"                                                       \
  }
#define UNISOC(pid)                                                                                \
  {                                                                                                \
    0x1782, pid, 2, TRUE, unisoc_series, "UNISOC 8910DM"                                           \
  }

static const OnemoUsbId usb_ids[] = {
  ASR (0x3010), ASR (0x3011), ASR (0x3012),    ASR (0x3013),
  ASR (0x3014), ASR (0x3015), UNISOC (0x4d11), { 0 },
};

const OnemoUsbId *
onemo_usb_id_table (void)
{
  return usb_ids;
}

const OnemoUsbId *
onemo_usb_id_lookup (guint16 vendor_id, guint16 product_id)
{
  for (const OnemoUsbId *id = usb_ids; id->vendor_id != 0; id++)
    if (id->vendor_id == vendor_id && id->product_id == product_id)
      return id;
  return NULL;
}

gboolean
onemo_usb_id_accepts_model (const OnemoUsbId *id, const char *model)
{
  g_return_val_if_fail (id != NULL, FALSE);

  for (const char *const *series = id->series; model != NULL && *series != NULL; series++) {
    gsize n = strlen (*series);
    if (g_ascii_strncasecmp (model, *series, n) == 0 && (model[n] == '\0' || model[n] == '-'))
      return TRUE;
  }
  return FALSE;
}
