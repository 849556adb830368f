/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writes ModemManager's udev rules for OneMO modules from the USB ID table, so that the IDs live
 * in one place (src/common/onemo-usb-ids.c). Run at build time: gen-mm-udev-rules OUTPUT.
 * gen-mm-udev-rules --list prints the table (VID PID AT-INTERFACE exclusive|shared), for tests.
 *
 * For each ID the tty of the AT interface gets ID_MM_PORT_TYPE_AT_PRIMARY. For an ID only OneMO
 * modules use, the other tty interfaces (diagnostics, logs, NMEA) get ID_MM_PORT_IGNORE. A shared
 * ID keeps its other ports: udev cannot ask AT+CGMI, and ignoring them would hide the secondary
 * AT ports of the other vendor's module (1782:4d11 is also the Fibocom L610's).
 */
#include "onemo-usb-ids.h"

#include <stdio.h>

#define LABEL "mm_cmiot_port_types"

static void
write_vendor_jumps (GString *out)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (const OnemoUsbId *id = onemo_usb_id_table (); id->vendor_id != 0; id++) {
    if (!g_hash_table_add (seen, GUINT_TO_POINTER (id->vendor_id)))
      continue;
    g_string_append_printf (
        out, "SUBSYSTEMS==\"usb\", ATTRS{idVendor}==\"%04x\", GOTO=\"" LABEL "\"\n", id->vendor_id);
  }
}

static void
write_id (GString *out, const OnemoUsbId *id)
{
  g_autofree char *series = g_strjoinv (", ", (char **)id->series);
  g_autofree char *match = g_strdup_printf (
      "ATTRS{idVendor}==\"%04x\", ATTRS{idProduct}==\"%04x\", SUBSYSTEM==\"tty\"", id->vendor_id,
      id->product_id);

  g_string_append_printf (out, "\n# %04x:%04x: %s (%s)%s\n", id->vendor_id, id->product_id, series,
                          id->chipset, id->shared ? ", shared with another vendor" : "");
  g_string_append_printf (
      out, "%s, ENV{.MM_USBIFNUM}==\"%02x\", ENV{ID_MM_PORT_TYPE_AT_PRIMARY}=\"1\"\n", match,
      id->at_interface);
  if (!id->shared)
    g_string_append_printf (out, "%s, ENV{.MM_USBIFNUM}!=\"%02x\", ENV{ID_MM_PORT_IGNORE}=\"1\"\n",
                            match, id->at_interface);
}

static void
list_table (void)
{
  for (const OnemoUsbId *id = onemo_usb_id_table (); id->vendor_id != 0; id++)
    printf ("%04x %04x %02x %s\n", id->vendor_id, id->product_id, id->at_interface,
            id->shared ? "shared" : "exclusive");
}

int
main (int argc, char **argv)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  if (argc == 2 && g_str_equal (argv[1], "--list")) {
    list_table ();
    return 0;
  }
  if (argc != 2) {
    fprintf (stderr, "usage: %s OUTPUT\n", argv[0]);
    return 2;
  }
  g_string_append (out,
                   "# ModemManager's port types for China Mobile IoT (OneMO) modules.\n"
                   "# Generated from onemo-firmware's USB ID table (src/common/onemo-usb-ids.c): "
                   "do not edit.\n"
                   "ACTION!=\"add|change|move|bind\", GOTO=\"" LABEL "_end\"\n");
  write_vendor_jumps (out);
  g_string_append (out, "GOTO=\"" LABEL "_end\"\n\nLABEL=\"" LABEL "\"\n"
                        "SUBSYSTEMS==\"usb\", ATTRS{bInterfaceNumber}==\"?*\", "
                        "ENV{.MM_USBIFNUM}=\"$attr{bInterfaceNumber}\"\n");
  for (const OnemoUsbId *id = onemo_usb_id_table (); id->vendor_id != 0; id++)
    write_id (out, id);
  g_string_append (out, "\nLABEL=\"" LABEL "_end\"\n");
  if (!g_file_set_contents (argv[1], out->str, out->len, &error)) {
    fprintf (stderr, "%s: %s\n", argv[0], error->message);
    return 1;
  }
  return 0;
}
