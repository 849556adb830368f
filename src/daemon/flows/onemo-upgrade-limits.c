/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-upgrade-limits.h"

guint
onemo_upgrade_timeout_s (const OnemoDaemonOptions *options, const OnemoModel *model)
{
  if (options->upgrade_timeout_s > 0)
    return options->upgrade_timeout_s;
  /* ML30x and ML307R download the package themselves, then flash through several reboots. */
  return model->family == ONEMO_FAMILY_NBIOT ? ONEMO_UPGRADE_TIMEOUT_NBIOT_S
                                             : ONEMO_UPGRADE_TIMEOUT_ML30X_S;
}

guint
onemo_reboot_timeout_s (const OnemoDaemonOptions *options, const OnemoModel *model)
{
  if (options->reboot_timeout_s > 0)
    return options->reboot_timeout_s;
  return model->family == ONEMO_FAMILY_NBIOT ? ONEMO_REBOOT_TIMEOUT_NBIOT_S
                                             : ONEMO_REBOOT_TIMEOUT_ML30X_S;
}
