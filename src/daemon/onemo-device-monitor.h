/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-manager.h"
#include "onemo-usb-ids.h"

G_BEGIN_DECLS

/**
 * OnemoDeviceCandidate:
 *
 * A tty that udev says is a OneMO module's AT port: the tty of a known USB identity's AT
 * interface (spec §8), or a tty a user named with ONEMO_FIRMWARE_MODEL in a udev rule.
 */
typedef struct {
  char *sysfs_path;         /* the tty's, the key of add and remove events */
  char *device;             /* its node, /dev/ttyUSB2 */
  char *physical;           /* the USB device's sysfs path; for a UART the tty's */
  const OnemoUsbId *usb_id; /* NULL for a UART */
  gboolean mm_may_drive;    /* ModemManager may take the device (its udev properties say) */
  OnemoPortSettings settings;
} OnemoDeviceCandidate;

void onemo_device_candidate_free (OnemoDeviceCandidate *candidate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OnemoDeviceCandidate, onemo_device_candidate_free)

/**
 * OnemoDeviceMonitor:
 *
 * Follows the tty subsystem with libgudev and tells OneMO AT ports from other ttys. Signals:
 * "added" (a const OnemoDeviceCandidate *, valid during the emission) for each candidate found
 * by onemo_device_monitor_enumerate() or an add or change event; "removed" (the tty's sysfs
 * path) for a remove event, or a change that makes a tty no candidate.
 */
#define ONEMO_TYPE_DEVICE_MONITOR (onemo_device_monitor_get_type ())
G_DECLARE_FINAL_TYPE (OnemoDeviceMonitor, onemo_device_monitor, ONEMO, DEVICE_MONITOR, GObject)

OnemoDeviceMonitor *onemo_device_monitor_new (void);

/* Emits "added" for every candidate present now; events follow from then on. */
void onemo_device_monitor_enumerate (OnemoDeviceMonitor *self);

G_END_DECLS
