/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-manager.h"

G_BEGIN_DECLS

/**
 * OnemoDiscovery:
 *
 * Turns what the device monitor finds into module objects of the manager: a candidate is
 * identified, and exported unless its USB identity is shared with another vendor and AT+CGMM
 * does not name a OneMO series. Unplugging withdraws the object, except while an upgrade waits
 * for the module's reboot: then the physical device's next AT port is handed to the module
 * ("port-returned"), whatever its name. A device named both by the configuration and by udev
 * is one module (the first to hold it keeps it).
 */
#define ONEMO_TYPE_DISCOVERY (onemo_discovery_get_type ())
G_DECLARE_FINAL_TYPE (OnemoDiscovery, onemo_discovery, ONEMO, DISCOVERY, GObject)

/* Enumerates the ttys present now and follows udev from then on. */
OnemoDiscovery *onemo_discovery_new (OnemoManager *manager, const OnemoDaemonOptions *options);

G_END_DECLS
