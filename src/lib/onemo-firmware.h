/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libonemo-firmware: a client of the onemo-firmware service (org.onemo.Firmware). */
#pragma once

#define ONEMO_FIRMWARE_INSIDE
#include "onemo-firmware-error.h"
#include "onemo-fw-module.h"
#include "onemo-client.h"
#include "onemo-firmware-enums.h"
#undef ONEMO_FIRMWARE_INSIDE
