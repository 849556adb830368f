/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * OnemoUsbId:
 *
 * One USB identity a OneMO module enumerates with (spec §8). The daemon's discovery, the udev
 * rules and the ModemManager plugin all read this one table.
 */
typedef struct {
  guint16 vendor_id;
  guint16 product_id;
  guint8 at_interface;       /* bInterfaceNumber of the AT port, whatever its ttyUSB number */
  gboolean shared;           /* another vendor's module uses it too: claim only after AT+CGMM */
  const char *const *series; /* what AT+CGMM may answer for it, NULL-terminated */
  const char *chipset;       /* for messages: "ASR", "UNISOC 8910DM" */
} OnemoUsbId;

/* Every known identity, ending with a zeroed row. */
const OnemoUsbId *onemo_usb_id_table (void);

/* The identity @vendor_id:@product_id, or NULL. */
const OnemoUsbId *onemo_usb_id_lookup (guint16 vendor_id, guint16 product_id);

/* Whether a module with this identity whose AT+CGMM answered @model (e.g. "ML307R" or
 * "ML307R-DC") is a OneMO module we may claim: @model must start with one of the series. */
gboolean onemo_usb_id_accepts_model (const OnemoUsbId *id, const char *model);

G_END_DECLS
