/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ONEMO_ERROR (onemo_error_quark ())

#define ONEMO_DBUS_ERROR_PREFIX "org.onemo.Firmware.Error."

/**
 * OnemoError:
 *
 * The project's one error domain. It is registered with GDBus, so every code travels over D-Bus
 * as a named error `org.onemo.Firmware.Error.<Name>`. The first codes mirror the module's own
 * `+CME ERROR` codes 850–857 (manual §5.1, ML307R manual); the rest are the host's.
 */
typedef enum {
  ONEMO_ERROR_FAILED,            /* Failed: anything without a better name */
  ONEMO_ERROR_UNKNOWN,           /* Unknown: +CME ERROR 850 */
  ONEMO_ERROR_CONFIG,            /* Config: 851 */
  ONEMO_ERROR_URL_TYPE,          /* UrlType: 852 */
  ONEMO_ERROR_WRITE,             /* Write: 853 */
  ONEMO_ERROR_UPGRADE,           /* Upgrade: 854 */
  ONEMO_ERROR_DOWNLOAD,          /* Download: 855 */
  ONEMO_ERROR_RETRIES_EXCEEDED,  /* RetriesExceeded: 856 */
  ONEMO_ERROR_NO_NETWORK,        /* NoNetwork: 857 */
  ONEMO_ERROR_MODULE,            /* Module: plain ERROR, another +CME/+CMS/+CIS code */
  ONEMO_ERROR_PROTOCOL,          /* Protocol: the module said something we cannot read */
  ONEMO_ERROR_NOT_SUPPORTED,     /* NotSupported: the sub-model cannot do it */
  ONEMO_ERROR_INVALID_ARGUMENT,  /* InvalidArgument: refused before a byte was sent */
  ONEMO_ERROR_BUSY,              /* Busy: another operation (or ModemManager) holds the module */
  ONEMO_ERROR_TIMEOUT,           /* Timeout: the module did not answer in time */
  ONEMO_ERROR_PORT_GONE,         /* PortGone: the port hung up or vanished */
  ONEMO_ERROR_NOT_VERIFIED,      /* NotVerified: size or digest of the package did not match */
  ONEMO_ERROR_CANCELLED,         /* Cancelled */
  ONEMO_ERROR_PERMISSION_DENIED, /* PermissionDenied */
  ONEMO_ERROR_INTERRUPTED,       /* Interrupted: the daemon stopped during the operation */
  ONEMO_ERROR_NOT_RECORDED,      /* NotRecorded: the journal could not record an upgrade */
} OnemoError;

#define ONEMO_ERROR_N_CODES (ONEMO_ERROR_NOT_RECORDED + 1)

GQuark onemo_error_quark (void);

/* The D-Bus name's last part, e.g. "UrlType" for ONEMO_ERROR_URL_TYPE. */
const char *onemo_error_code_to_name (OnemoError code);

/* 850–857 to their codes; any other number is ONEMO_ERROR_MODULE. */
OnemoError onemo_error_from_cme_code (gint cme_code);

/* The +CME code a module uses for @code, or -1 when it has none. */
gint onemo_error_to_cme_code (OnemoError code);

/* The verbose text (AT+CMEE=2) a module prints for a CME code, or NULL. */
const char *onemo_error_cme_text (gint cme_code);

/* The CME code of a verbose text (case-insensitive), or -1. */
gint onemo_error_cme_code_from_text (const char *text);

/* Turns GIO's cancellation into ONEMO_ERROR_CANCELLED, leaving other errors as they are. */
void onemo_error_normalize (GError **error);

G_END_DECLS
