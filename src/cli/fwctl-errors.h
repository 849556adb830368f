/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "onemo-firmware.h"

#include <glib.h>

G_BEGIN_DECLS

/* The exit codes of onemo-fwctl. Scripts depend on them: never renumber. */
typedef enum {
  FWCTL_EXIT_OK = 0,
  FWCTL_EXIT_FAILED = 1,           /* generic failure, Module, Protocol, Unknown, Interrupted,
                                      NotRecorded */
  FWCTL_EXIT_USAGE = 2,            /* bad command line */
  FWCTL_EXIT_NOT_SUPPORTED = 3,    /* NotSupported */
  FWCTL_EXIT_INVALID_ARGUMENT = 4, /* InvalidArgument */
  FWCTL_EXIT_BUSY = 5,             /* Busy */
  FWCTL_EXIT_TIMEOUT = 6,          /* Timeout, or the D-Bus call timed out */
  FWCTL_EXIT_PORT_GONE = 7,        /* PortGone */
  FWCTL_EXIT_NOT_VERIFIED = 8,     /* NotVerified */
  FWCTL_EXIT_CANCELLED = 9,        /* Cancelled, Ctrl-C */
  FWCTL_EXIT_PERMISSION = 10,      /* PermissionDenied, or the bus refused access */
  FWCTL_EXIT_NO_MODULE = 11,       /* no such module, or the service is not running */
  FWCTL_EXIT_DOWNLOAD = 12,        /* Download, RetriesExceeded, NoNetwork, UrlType, Config */
  FWCTL_EXIT_UPGRADE = 13,         /* Upgrade */
  FWCTL_EXIT_WRITE = 14,           /* Write */
} FwctlExit;

/* How many codes OnemoFirmwareError, the service's errors, has. */
#define FWCTL_N_SERVICE_ERRORS (ONEMO_FIRMWARE_ERROR_NOT_RECORDED + 1)

/* The CLI's own errors, for what never reached the service. */
#define FWCTL_ERROR (fwctl_error_quark ())

typedef enum {
  FWCTL_ERROR_USAGE,      /* a bad command line: exit 2 */
  FWCTL_ERROR_NO_SERVICE, /* the service is not on the bus: exit 11 */
  FWCTL_ERROR_NO_MODULE,  /* no module matches: exit 11 */
} FwctlErrorCode;

GQuark fwctl_error_quark (void);

/* The exit code for @error, which may be a remote error already mapped into ONEMO_FIRMWARE_ERROR. */
FwctlExit fwctl_exit_code_for_error (const GError *error);

/* The exit code for a D-Bus error name, e.g. "org.onemo.Firmware.Error.Busy"; 1 if unknown. */
FwctlExit fwctl_exit_code_for_dbus_name (const char *name);

/* A translated sentence saying what went wrong, chosen by @error's domain and code. */
const char *fwctl_error_sentence (const GError *error);

/* "<sentence>: <message>", the text after "onemo-fwctl: " in an error report. */
char *fwctl_error_format (const GError *error);

/* The D-Bus name for @error ("org.onemo.Firmware.Error.Busy"), for --json output. */
char *fwctl_error_dbus_name (const GError *error);

G_END_DECLS
