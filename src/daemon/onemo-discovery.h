/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-manager.h"

G_BEGIN_DECLS

/**
 * OnemoDiscovery:
 *
 * Turns what the device monitor finds into module objects of the manager: a candidate is
 * identified, and exported unless its USB identity is shared with another vendor and AT+CGMM
 * does not name a OneMO series. Where ModemManager runs and may take the device (udev says),
 * identification first waits for its modem, up to --modem-manager-wait, and reads the identity
 * there instead of on the port ModemManager probes (onemo-module-identify.c). A candidate that does not answer, or answers garbage, is
 * identified again after growing pauses (1, 2, 4 … s, at most 32), until --identify-retry-limit
 * has passed since its first failure or its device goes. Unplugging withdraws the object,
 * except while an operation runs on it: then the physical device's next AT port is handed to
 * the module ("port-returned"), whatever its name, even when its add comes before the old
 * port's removal (an upgrade waiting for the module's reboot follows it). A device named both
 * by the configuration and by udev is one module (the first to hold it keeps it).
 */
#define ONEMO_TYPE_DISCOVERY (onemo_discovery_get_type ())
G_DECLARE_FINAL_TYPE (OnemoDiscovery, onemo_discovery, ONEMO, DISCOVERY, GObject)

/* Enumerates the ttys present now and follows udev from then on. */
OnemoDiscovery *onemo_discovery_new (OnemoManager *manager, const OnemoDaemonOptions *options);

G_END_DECLS
