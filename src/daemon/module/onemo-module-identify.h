/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-modem-manager.h"
#include "onemo-module-private.h"

G_BEGIN_DECLS

/**
 * onemo_identify_from_modem:
 * @modem: what ModemManager read of the module
 *
 * Sets the module's identity from @modem, read as the module's own answers would be (the same
 * parsers): the sub-model from Revision (else the one the module was added with), its
 * capabilities from the model table. NotSupported (final) when Model names no OneMO series and
 * nothing else names a sub-model: another vendor's module. Protocol when a value is missing or
 * unreadable, or an unsolicited line, or Model is not the revision's series, or a OneMO series'
 * revision names no sub-model: the port is asked then.
 */
gboolean onemo_identify_from_modem (OnemoModule *self, const OnemoMmModemIdentity *modem,
                                    GError **error);

G_END_DECLS
