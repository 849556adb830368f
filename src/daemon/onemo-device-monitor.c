/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Which ttys are OneMO AT ports, from udev alone: nothing is opened here. A USB module's AT port
 * is the tty of its AT interface (bInterfaceNumber, spec §8), whatever its ttyUSB number. A UART
 * cannot be recognised, so users name it in their own udev rules:
 *
 *   SUBSYSTEM=="tty", KERNEL=="ttyS1", ENV{ONEMO_FIRMWARE_MODEL}="MN316-DBRS"
 *   (optional: ENV{ONEMO_FIRMWARE_BAUD}="115200", ENV{ONEMO_FIRMWARE_FLOW_CONTROL}="1")
 */
#include "onemo-device-monitor.h"

#include <gudev/gudev.h>

struct _OnemoDeviceMonitor {
  GObject parent_instance;

  GUdevClient *client;
};

G_DEFINE_FINAL_TYPE (OnemoDeviceMonitor, onemo_device_monitor, G_TYPE_OBJECT)

enum { SIGNAL_ADDED, SIGNAL_REMOVED, N_SIGNALS };
static guint signals[N_SIGNALS];

#define DEFAULT_BAUD 115200

void
onemo_device_candidate_free (OnemoDeviceCandidate *candidate)
{
  if (candidate == NULL)
    return;
  g_free (candidate->sysfs_path);
  g_free (candidate->device);
  g_free (candidate->physical);
  g_free (candidate);
}

/* A sysfs attribute in hex ("2ecc", "02"); FALSE when absent or not a number below @max. */
static gboolean
sysfs_hex (GUdevDevice *device, const char *name, guint64 max, guint64 *out)
{
  g_autofree char *text = g_strdup (g_udev_device_get_sysfs_attr (device, name));

  return text != NULL && g_ascii_string_to_unsigned (g_strstrip (text), 16, 0, max, out, NULL);
}

/* The USB identity whose AT interface @tty is, or NULL; @out_physical gets the USB device. */
static const OnemoUsbId *
match_usb (GUdevDevice *tty, char **out_physical)
{
  g_autoptr (GUdevDevice) interface = NULL;
  g_autoptr (GUdevDevice) usb = NULL;
  const OnemoUsbId *id;
  guint64 vendor, product, number;

  interface = g_udev_device_get_parent_with_subsystem (tty, "usb", "usb_interface");
  usb = g_udev_device_get_parent_with_subsystem (tty, "usb", "usb_device");
  if (interface == NULL || usb == NULL || !sysfs_hex (usb, "idVendor", G_MAXUINT16, &vendor)
      || !sysfs_hex (usb, "idProduct", G_MAXUINT16, &product))
    return NULL;
  id = onemo_usb_id_lookup (vendor, product);
  if (id == NULL || !sysfs_hex (interface, "bInterfaceNumber", G_MAXUINT8, &number)
      || number != id->at_interface)
    return NULL;
  *out_physical = g_strdup (g_udev_device_get_sysfs_path (usb));
  return id;
}

/* ONEMO_FIRMWARE_MODEL, _BAUD and _FLOW_CONTROL; a bad value is logged and ignored. */
static gboolean
read_user_settings (GUdevDevice *tty, OnemoPortSettings *settings)
{
  const char *name = g_udev_device_get_sysfs_path (tty);
  const char *model = g_udev_device_get_property (tty, "ONEMO_FIRMWARE_MODEL");
  const char *baud = g_udev_device_get_property (tty, "ONEMO_FIRMWARE_BAUD");
  g_autoptr (GError) error = NULL;
  guint64 rate;

  *settings = (OnemoPortSettings){ NULL, DEFAULT_BAUD, FALSE };
  if (model != NULL && !onemo_port_settings_check_model (model, &settings->model, &error)) {
    g_warning ("%s: ONEMO_FIRMWARE_MODEL: %s", name, error->message);
    g_clear_error (&error);
  }
  if (baud != NULL) {
    if (g_ascii_string_to_unsigned (baud, 10, 1, G_MAXUINT, &rate, &error)
        && onemo_port_settings_check_baud (rate, &error))
      settings->baud = rate;
    else
      g_warning ("%s: ONEMO_FIRMWARE_BAUD: %s", name, error->message);
  }
  settings->flow_control
      = g_udev_device_get_property_as_boolean (tty, "ONEMO_FIRMWARE_FLOW_CONTROL");
  return settings->model != NULL;
}

/* Whether ModemManager may take @tty's device, by the rules of its filter (mm-filter.c, 1.20):
 * its own udev rules mark every tty a candidate (ID_MM_CANDIDATE), nothing tells it to ignore
 * the device or the port, and the device is not a UART (ModemManager leaves platform and PNP
 * ttys alone unless a rule says ID_MM_DEVICE_PROCESS). Saying yes wrongly costs a wait, saying
 * no wrongly the old race on the port. */
static gboolean
mm_may_drive (GUdevDevice *tty)
{
  g_autoptr (GUdevDevice) usb = g_udev_device_get_parent_with_subsystem (tty, "usb", "usb_device");

  if (!g_udev_device_get_property_as_boolean (tty, "ID_MM_CANDIDATE")
      || g_udev_device_get_property_as_boolean (tty, "ID_MM_PORT_IGNORE")
      || g_udev_device_get_property_as_boolean (tty, "ID_MM_DEVICE_IGNORE")
      || (usb != NULL && g_udev_device_get_property_as_boolean (usb, "ID_MM_DEVICE_IGNORE")))
    return FALSE;
  return usb != NULL || g_udev_device_get_property_as_boolean (tty, "ID_MM_DEVICE_PROCESS");
}

static OnemoDeviceCandidate *
classify (GUdevDevice *tty)
{
  g_autoptr (OnemoDeviceCandidate) candidate = g_new0 (OnemoDeviceCandidate, 1);
  gboolean named = read_user_settings (tty, &candidate->settings);

  if (g_udev_device_get_device_file (tty) == NULL)
    return NULL;
  candidate->usb_id = match_usb (tty, &candidate->physical);
  if (candidate->usb_id == NULL && !named)
    return NULL;
  if (candidate->physical == NULL)
    candidate->physical = g_strdup (g_udev_device_get_sysfs_path (tty));
  candidate->sysfs_path = g_strdup (g_udev_device_get_sysfs_path (tty));
  candidate->device = g_strdup (g_udev_device_get_device_file (tty));
  candidate->mm_may_drive = mm_may_drive (tty);
  return g_steal_pointer (&candidate);
}

static void
announce (OnemoDeviceMonitor *self, GUdevDevice *tty, gboolean removal_if_not)
{
  g_autoptr (OnemoDeviceCandidate) candidate = classify (tty);

  if (candidate != NULL)
    g_signal_emit (self, signals[SIGNAL_ADDED], 0, candidate);
  else if (removal_if_not)
    g_signal_emit (self, signals[SIGNAL_REMOVED], 0, g_udev_device_get_sysfs_path (tty));
}

static void
uevent (GUdevClient *client, const char *action, GUdevDevice *tty, gpointer user_data)
{
  OnemoDeviceMonitor *self = user_data;

  g_debug ("udev: %s %s", action, g_udev_device_get_sysfs_path (tty));
  if (g_str_equal (action, "remove"))
    g_signal_emit (self, signals[SIGNAL_REMOVED], 0, g_udev_device_get_sysfs_path (tty));
  else if (g_str_equal (action, "add") || g_str_equal (action, "change"))
    announce (self, tty, g_str_equal (action, "change"));
}

void
onemo_device_monitor_enumerate (OnemoDeviceMonitor *self)
{
  GList *ttys = g_udev_client_query_by_subsystem (self->client, "tty");

  for (GList *l = ttys; l != NULL; l = l->next)
    announce (self, l->data, FALSE);
  g_list_free_full (ttys, g_object_unref);
}

OnemoDeviceMonitor *
onemo_device_monitor_new (void)
{
  return g_object_new (ONEMO_TYPE_DEVICE_MONITOR, NULL);
}

static void
onemo_device_monitor_dispose (GObject *object)
{
  OnemoDeviceMonitor *self = ONEMO_DEVICE_MONITOR (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (onemo_device_monitor_parent_class)->dispose (object);
}

static void
onemo_device_monitor_class_init (OnemoDeviceMonitorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = onemo_device_monitor_dispose;
  signals[SIGNAL_ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_REMOVED] = g_signal_new ("removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
onemo_device_monitor_init (OnemoDeviceMonitor *self)
{
  const char *const subsystems[] = { "tty", NULL };

  self->client = g_udev_client_new (subsystems);
  g_signal_connect (self->client, "uevent", G_CALLBACK (uevent), self);
}
