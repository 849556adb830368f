/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "fwctl-errors.h"
#include "fwctl-json.h"
#include "fwctl-progress.h"

#include "onemo-firmware.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define FWCTL_BUS_NAME         "org.onemo.Firmware"
#define FWCTL_ROOT_PATH        "/org/onemo/Firmware"
#define FWCTL_MODULE_PATH      "/org/onemo/Firmware/Module/"
#define FWCTL_MODULE_INTERFACE "org.onemo.Firmware"

/* Method call timeouts when --timeout is not given. */
#define FWCTL_SHORT_TIMEOUT_S 25
/* ... for a short call when polkit may ask for a password on the terminal: time to type it. */
#define FWCTL_ASK_TIMEOUT_S  300
#define FWCTL_LONG_TIMEOUT_S 3600

/* What the global options chose, and the bus objects once connected. */
typedef struct {
  GBusType bus_type;
  char *module_id;
  gboolean json;
  gboolean quiet;
  gint timeout_s; /* 0: the defaults above */
  gboolean no_ask_password;
  gboolean may_ask;     /* a text agent may ask for a password here (fwctl_agent_wanted()) */
  gboolean agent_tried; /* the text agent is started once, before the first authorized call */
  GPid agent_pid;       /* 0: none runs */
  FwctlOutput output;
  GDBusConnection *bus;
  OnemoClient *client; /* the library's view of the service, once connected */
} FwctlContext;

typedef int (*FwctlCommandFunc) (FwctlContext *ctx, int argc, char **argv);

typedef struct {
  const char *name;
  FwctlCommandFunc run;
  const char *summary; /* N_() */
} FwctlCommand;

/* Every command, in the order --help lists them; NULL-terminated. */
extern const FwctlCommand fwctl_commands[];

/* The command's own options and --help; FALSE with exit code 2 in *out_exit on bad usage. */
gboolean fwctl_parse_command (FwctlContext *ctx, const char *parameters, const char *summary,
                              const GOptionEntry *entries, int *argc, char ***argv, int *out_exit);

/* Finds the service (starting it if it is D-Bus activatable). NO_SERVICE when absent. */
gboolean fwctl_connect (FwctlContext *ctx, GError **error);

/* The modules (OnemoFwModule, referenced), sorted by their number. */
GList *fwctl_list_modules (FwctlContext *ctx);

/* The module --module names, or the only one; NO_MODULE or USAGE when that is unclear. */
OnemoFwModule *fwctl_find_module (FwctlContext *ctx, GError **error);

/* Connects and finds the module; on failure reports it and sets *out_exit. */
OnemoFwModule *fwctl_open_module (FwctlContext *ctx, int *out_exit);

/* A string property read from the service now, not from the proxy's cache (which a
 * PropertiesChanged signal may update only after a method's reply). */
char *fwctl_get_string_property (FwctlContext *ctx, OnemoFwModule *module, const char *name);

/* A usage error: reported, returns 2. */
int fwctl_usage_error (FwctlContext *ctx, const char *message);

/* The flags of a call that polkit authorizes: polkit may ask for a password, unless
 * --no-ask-password; on a text console the first such call starts a text agent to ask. */
GDBusCallFlags fwctl_call_flags (FwctlContext *ctx);

/* Stops the text agent, if one runs. */
void fwctl_stop_agent (FwctlContext *ctx);

/* The timeout for a call, in milliseconds. */
gint fwctl_timeout_ms (FwctlContext *ctx, gboolean long_call);

/* Reports @error on stderr ("onemo-fwctl: sentence: message") and, with --json, as the result
 * object on stdout. Returns the exit code. */
int fwctl_report_error (FwctlContext *ctx, GError *error);

/* With --json, prints {"event":"result","ok":true,…}; @extra_key/@extra_value may add one
 * string member. Returns 0. */
int fwctl_report_success (FwctlContext *ctx, const char *extra_key, const char *extra_value);

/* Prints a finished JSON document as one line on stdout. */
void fwctl_print_json (FwctlJson *json);

/* One line from stdin without its newline, for --password-stdin. */
char *fwctl_read_stdin_line (GError **error);

/* The object's number, the "N" of /org/onemo/Firmware/Module/N, or its whole path. */
const char *fwctl_module_short_id (const char *object_path);

G_END_DECLS
