/* SPDX-License-Identifier: GPL-2.0-or-later */
/* onemo-firmwared: owns org.onemo.Firmware and exports one object per OneMO module.
 *
 * The configuration file (--config) names UART modules, which cannot be discovered, one group
 * each:
 *
 *   [port gateway-uart]
 *   device=/dev/ttyS1        # required: a tty
 *   model=MN316-DBRS         # optional: the sub-model, when the revision does not name it
 *   baud=115200              # optional, default 115200
 *   flow-control=false       # optional: RTS/CTS, default false
 */
#include "config.h"
#include "onemo-discovery.h"
#include "onemo-flow-methods.h"
#include "onemo-flows.h"
#include "onemo-manager.h"

#include <glib-unix.h>
#include <locale.h>
#include <string.h>

#define BUS_NAME "org.onemo.Firmware"
/* How long a SIGTERM waits for ModemManager to take each held modem back. */
#define SHUTDOWN_UNINHIBIT_MS 2000

typedef struct {
  GMainLoop *loop;
  OnemoManager *manager;
  OnemoDaemonOptions options;
  char **ports;      /* --port DEVICE[:SUB-MODEL] */
  char *config_file; /* --config, or the system's ports.conf when it exists */
  gboolean print_version;
  char *state_dir;    /* --state-dir */
  char *fetch_helper; /* --fetch-helper */
  gboolean udev;      /* follow udev: without --session, or with --udev; never with --no-udev */
  gboolean session;   /* --session: the session bus, for tests */
  gboolean replace;   /* --replace */
  OnemoDiscovery *discovery;
  int exit_code;
} Daemon;

static void
port_added (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *device = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = onemo_manager_add_port_finish (ONEMO_MANAGER (source), result, &error);

  if (path == NULL)
    g_warning ("%s: %s", device, error->message);
}

static void
add_port (Daemon *daemon, const char *device, const OnemoPortSettings *settings)
{
  onemo_manager_add_port_async (daemon->manager, device, settings,
                                daemon->options.identify_retry_limit_s, port_added,
                                g_strdup (device));
}

/* --port DEVICE[:SUB-MODEL] */
static void
add_command_line_port (Daemon *daemon, const char *arg)
{
  OnemoPortSettings settings = { NULL, 115200, FALSE };
  g_autofree char *device = g_strdup (arg);
  char *colon = strrchr (device, ':');
  g_autoptr (GError) error = NULL;

  if (colon != NULL) {
    *colon = '\0';
    if (!onemo_port_settings_check_model (colon + 1, &settings.model, &error)) {
      g_warning ("--port %s: %s", arg, error->message);
      return;
    }
  }
  add_port (daemon, device, &settings);
}

static gboolean
read_config_group (GKeyFile *file, const char *group, char **out_device,
                   OnemoPortSettings *settings, GError **error)
{
  g_autofree char *model = NULL;

  *settings = (OnemoPortSettings){ NULL, 115200, FALSE };
  *out_device = g_key_file_get_string (file, group, "device", error);
  if (*out_device == NULL)
    return FALSE;
  model = g_key_file_get_string (file, group, "model", NULL);
  if (model != NULL && !onemo_port_settings_check_model (model, &settings->model, error))
    return FALSE;
  if (g_key_file_has_key (file, group, "baud", NULL)) {
    guint64 baud = g_key_file_get_uint64 (file, group, "baud", error);
    if ((error != NULL && *error != NULL) || !onemo_port_settings_check_baud (baud, error))
      return FALSE;
    settings->baud = baud;
  }
  if (g_key_file_has_key (file, group, "flow-control", NULL)) {
    settings->flow_control = g_key_file_get_boolean (file, group, "flow-control", error);
    if (error != NULL && *error != NULL)
      return FALSE;
  }
  return TRUE;
}

static gboolean
load_config (Daemon *daemon, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_auto (GStrv) groups = NULL;

  if (!g_key_file_load_from_file (file, daemon->config_file, G_KEY_FILE_NONE, error))
    return FALSE;
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++) {
    g_autofree char *device = NULL;
    g_autoptr (GError) group_error = NULL;
    OnemoPortSettings settings;

    if (!g_str_has_prefix (groups[i], "port ")) {
      g_warning ("%s: unknown group [%s]", daemon->config_file, groups[i]);
      continue;
    }
    if (!read_config_group (file, groups[i], &device, &settings, &group_error)) {
      g_warning ("%s: [%s]: %s", daemon->config_file, groups[i], group_error->message);
      continue;
    }
    add_port (daemon, device, &settings);
  }
  return TRUE;
}

static void
name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;
  g_autoptr (GError) error = NULL;

  g_debug ("Owning %s", name);
  for (guint i = 0; daemon->ports != NULL && daemon->ports[i] != NULL; i++)
    add_command_line_port (daemon, daemon->ports[i]);
  if (daemon->config_file != NULL && !load_config (daemon, &error))
    g_warning ("%s: %s", daemon->config_file, error->message);
  /* After the configuration: a device it names keeps its settings. */
  if (daemon->udev && daemon->discovery == NULL)
    daemon->discovery = onemo_discovery_new (daemon->manager, &daemon->options);
}

static void
name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Daemon *daemon = user_data;

  g_warning ("Lost the bus name %s", name);
  daemon->exit_code = 1;
  g_main_loop_quit (daemon->loop);
}

/* ModemManager is on the daemon's own bus (the session bus in tests, where its test mode runs);
 * each inhibition connects to the same bus by address. */
static void
follow_modem_manager (Daemon *daemon, GBusType bus_type, GDBusConnection *connection)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (bus_type, NULL, &error);

  if (address == NULL) {
    g_warning ("ModemManager cannot be followed: %s", error->message);
    return;
  }
  daemon->options.modem_manager = onemo_modem_manager_new (connection, address);
}

/* --state-dir, else systemd's StateDirectory=, else the built-in one; a session daemon (tests,
 * a user's own modules) keeps its journal in the user's state directory. */
static char *
choose_state_dir (const Daemon *daemon, gboolean session)
{
  const char *systemd = g_getenv ("STATE_DIRECTORY");

  if (daemon->state_dir != NULL)
    return g_strdup (daemon->state_dir);
  if (session)
    return g_build_filename (g_get_user_state_dir (), "onemo-firmware", NULL);
  if (systemd != NULL && g_path_is_absolute (systemd))
    return g_strndup (systemd, strcspn (systemd, ":"));
  return g_strdup (ONEMO_STATE_DIR);
}

static gboolean
quit_on_signal (gpointer user_data)
{
  Daemon *daemon = user_data;

  g_main_loop_quit (daemon->loop);
  return G_SOURCE_CONTINUE;
}

/* The command line's limits and switches, before they become the daemon's options. */
typedef struct {
  gboolean polkit, verbose, udev, no_udev;
  gint64 max_package;
  int command_timeout_ms;
  int upgrade_timeout_s;
  int reboot_timeout_s;
  int identify_retry_limit_s;
  int modem_manager_wait_s;
  int fetch_timeout_s;
  int resume_window_ms;
} DaemonArgs;

/* Parses the command line into @daemon and @args; FALSE (after a message) when it is wrong. */
static gboolean
parse_arguments (Daemon *daemon, DaemonArgs *args, int *argc, char ***argv)
{
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_NONE, &daemon->session,
      "Use the session bus (tests); let anyone change things unless --polkit is given", NULL },
    { "polkit", 0, 0, G_OPTION_ARG_NONE, &args->polkit,
      "With --session, ask polkit on the system bus all the same (always without --session)",
      NULL },
    { "port", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &daemon->ports, "Add a UART module (repeatable)",
      "DEVICE[:SUB-MODEL]" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &daemon->config_file,
      "Read UART modules from FILE ([port NAME] groups)", "FILE" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &daemon->state_dir,
      "Keep the journal of running operations in DIR (" ONEMO_STATE_DIR ")", "DIR" },
    { "max-package", 0, 0, G_OPTION_ARG_INT64, &args->max_package,
      "The largest package Write() takes (16 MiB)", "BYTES" },
    { "command-timeout-ms", 0, 0, G_OPTION_ARG_INT, &args->command_timeout_ms,
      "How long the module may take to answer a command (10000)", "MS" },
    { "upgrade-timeout", 0, 0, G_OPTION_ARG_INT, &args->upgrade_timeout_s,
      "How long an upgrade may take, reboots included (per family: 600 NB-IoT, 1800 ML30x and "
      "ML307R)",
      "SECONDS" },
    { "reboot-timeout", 0, 0, G_OPTION_ARG_INT, &args->reboot_timeout_s,
      "How long a module may stay away (or deaf) while it reboots during an upgrade (per family: "
      "120 NB-IoT, 300 ML30x and ML307R)",
      "SECONDS" },
    { "identify-retry-limit", 0, 0, G_OPTION_ARG_INT, &args->identify_retry_limit_s,
      "How long to retry a discovered module that does not answer yet, 0: never (300)", "SECONDS" },
    { "fetch-timeout", 0, 0, G_OPTION_ARG_INT, &args->fetch_timeout_s,
      "How long a host-side download (Fetch(), Update() with a url) may take in all (1800)",
      "SECONDS" },
    { "fetch-helper", 0, 0, G_OPTION_ARG_FILENAME, &daemon->fetch_helper,
      "Run PROGRAM for host-side downloads (tests; the installed onemo-firmware-fetch)",
      "PROGRAM" },
    { "modem-manager-wait", 0, 0, G_OPTION_ARG_INT, &args->modem_manager_wait_s,
      "How long to wait for ModemManager's modem of a new module before asking its port, 0: "
      "never (30)",
      "SECONDS" },
    { "resume-window-ms", 0, 0, G_OPTION_ARG_INT, &args->resume_window_ms,
      "How long a module's +MFWDLOAD: 0 may lag behind its 3 before AT+MFWDLOAD? is asked, "
      "0: the module's server timeout (0)",
      "MS" },
    { "udev", 0, 0, G_OPTION_ARG_NONE, &args->udev,
      "With --session, discover modules with udev all the same (always without --session)", NULL },
    { "no-udev", 0, 0, G_OPTION_ARG_NONE, &args->no_udev,
      "Do not discover modules with udev: only --port, --config and AddPort()", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &args->verbose, "Log debug messages", NULL },
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &daemon->replace, "Replace a running instance", NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &daemon->print_version, "Print the version and exit",
      NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— the OneMO firmware service");
  g_autoptr (GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error)) {
    g_printerr ("%s\n", error->message);
    return FALSE;
  }
  /* 0, the default, leaves the upgrade limits to each family. */
  if (args->max_package <= 0 || args->command_timeout_ms <= 0 || args->upgrade_timeout_s < 0
      || args->reboot_timeout_s < 0 || args->fetch_timeout_s <= 0
      || args->identify_retry_limit_s < 0 || args->modem_manager_wait_s < 0
      || args->resume_window_ms < 0) {
    g_printerr ("Limits must be positive (--identify-retry-limit, --modem-manager-wait and "
                "--resume-window-ms may be 0, and --upgrade-timeout and --reboot-timeout 0 for "
                "the per-family default)\n");
    return FALSE;
  }
  return TRUE;
}

/* The daemon's options from @args: limits, udev, polkit, the journal's directory. */
static gboolean
apply_arguments (Daemon *daemon, const DaemonArgs *args)
{
  g_autofree char *state_dir = NULL;

  if (args->verbose)
    g_log_set_debug_enabled (TRUE);

  onemo_daemon_options_init (&daemon->options);
  daemon->options.session_bus = daemon->session;
  daemon->options.max_package = args->max_package;
  daemon->options.command_timeout_ms = args->command_timeout_ms;
  daemon->options.upgrade_timeout_s = args->upgrade_timeout_s;
  daemon->options.reboot_timeout_s = args->reboot_timeout_s;
  daemon->options.identify_retry_limit_s = (guint)args->identify_retry_limit_s;
  daemon->options.modem_manager_wait_s = (guint)args->modem_manager_wait_s;
  daemon->options.fetch_timeout_s = (guint)args->fetch_timeout_s;
  daemon->options.fetch_helper = daemon->fetch_helper;
  daemon->options.resume_window_ms = (guint)args->resume_window_ms;
  daemon->options.module_method_call = onemo_flow_method_call;
  daemon->options.follow_upgrade = onemo_flow_upgrade_follow;
  daemon->udev = (!daemon->session || args->udev) && !args->no_udev;
  /* The authority is only looked up at the first call that needs it. */
  if (!daemon->session || args->polkit)
    daemon->options.authority = onemo_authority_new ();
  state_dir = choose_state_dir (daemon, daemon->session);
  if (!g_path_is_absolute (state_dir)) {
    g_printerr ("--state-dir must be an absolute path\n");
    return FALSE;
  }
  daemon->options.journal = onemo_journal_new (state_dir);
  return TRUE;
}

/* Reads the command line into @daemon; FALSE (after a message) when it is wrong. */
static gboolean
parse_command_line (Daemon *daemon, int *argc, char ***argv)
{
  DaemonArgs args = {
    .max_package = ONEMO_DAEMON_MAX_PACKAGE_DEFAULT,
    .command_timeout_ms = ONEMO_DAEMON_COMMAND_TIMEOUT_MS,
    .upgrade_timeout_s = ONEMO_DAEMON_UPGRADE_TIMEOUT_S,
    .reboot_timeout_s = ONEMO_DAEMON_REBOOT_TIMEOUT_S,
    .identify_retry_limit_s = ONEMO_DAEMON_IDENTIFY_RETRY_S,
    .modem_manager_wait_s = ONEMO_DAEMON_MM_WAIT_S,
    .fetch_timeout_s = ONEMO_DAEMON_FETCH_TIMEOUT_S,
    .resume_window_ms = ONEMO_DAEMON_RESUME_WINDOW_MS,
  };

  return parse_arguments (daemon, &args, argc, argv) && apply_arguments (daemon, &args);
}

int
main (int argc, char **argv)
{
  Daemon daemon = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = NULL;
  GBusType bus_type;
  guint owner_id;

  setlocale (LC_ALL, "");
  if (!parse_command_line (&daemon, &argc, &argv))
    return 2;
  if (daemon.print_version) {
    g_print ("onemo-firmwared %s\n", PACKAGE_VERSION);
    return 0;
  }
  /* The system's own list of UART modules, unless told otherwise (not for tests' --session). */
  if (daemon.config_file == NULL && !daemon.session
      && g_file_test (ONEMO_CONFIG_FILE, G_FILE_TEST_IS_REGULAR))
    daemon.config_file = g_strdup (ONEMO_CONFIG_FILE);
  bus_type = daemon.session ? G_BUS_TYPE_SESSION : G_BUS_TYPE_SYSTEM;
  /* Corrupt records are reported and set aside now, before any module is looked at. */
  onemo_journal_check_all (daemon.options.journal);

  daemon.loop = g_main_loop_new (NULL, FALSE);
  daemon.manager = onemo_manager_new (&daemon.options);
  g_unix_signal_add (SIGTERM, quit_on_signal, &daemon);
  g_unix_signal_add (SIGINT, quit_on_signal, &daemon);
  /* Synchronously: g_bus_own_name() would connect from a worker thread that lingers idle. */
  connection = g_bus_get_sync (bus_type, NULL, &error);
  if (connection == NULL || !onemo_manager_export (daemon.manager, connection, &error)) {
    g_printerr ("Cannot offer the service: %s\n", error->message);
    return 1;
  }
  follow_modem_manager (&daemon, bus_type, connection);
  owner_id
      = g_bus_own_name_on_connection (connection, BUS_NAME,
                                      G_BUS_NAME_OWNER_FLAGS_ALLOW_REPLACEMENT
                                          | (daemon.replace ? G_BUS_NAME_OWNER_FLAGS_REPLACE : 0),
                                      name_acquired, name_lost, &daemon, NULL);
  g_main_loop_run (daemon.loop);

  g_bus_unown_name (owner_id);
  /* Hand ModemManager back what an interrupted operation held, before the modules go. */
  if (daemon.options.modem_manager != NULL)
    onemo_modem_manager_release_all (daemon.options.modem_manager, SHUTDOWN_UNINHIBIT_MS);
  g_clear_object (&daemon.discovery);
  g_clear_object (&daemon.manager);
  g_clear_object (&daemon.options.modem_manager);
  g_clear_object (&daemon.options.authority);
  g_clear_object (&daemon.options.journal);
  g_main_loop_unref (daemon.loop);
  g_strfreev (daemon.ports);
  g_free (daemon.config_file);
  g_free (daemon.state_dir);
  g_free (daemon.fetch_helper);
  return daemon.exit_code;
}
