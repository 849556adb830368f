/* SPDX-License-Identifier: GPL-2.0-or-later */
/* onemo-fwctl: the command-line client of org.onemo.Firmware. Global options, then a command. */
#include "config.h"

#include "fwctl-agent.h"
#include "fwctl-args.h"
#include "fwctl-commands.h"

#include "onemo-firmware.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

const FwctlCommand fwctl_commands[] = {
  { "list", fwctl_cmd_list, N_ ("List the modules") },
  { "show", fwctl_cmd_show, N_ ("Show everything about a module") },
  { "config", fwctl_cmd_config, N_ ("Show or change the module's download settings") },
  { "download", fwctl_cmd_download, N_ ("Let the module download the package from its URL") },
  { "write", fwctl_cmd_write, N_ ("Write a package file to the module over its serial port") },
  { "fetch", fwctl_cmd_fetch, N_ ("Download a package on this host and write it to the module") },
  { "check", fwctl_cmd_check, N_ ("Print the module's checksum of the loaded package") },
  { "upgrade", fwctl_cmd_upgrade, N_ ("Upgrade the module with the loaded package") },
  { "erase", fwctl_cmd_erase, N_ ("Erase the loaded package") },
  { "cancel", fwctl_cmd_cancel, N_ ("Stop a running download or write") },
  { "update", fwctl_cmd_update, N_ ("Load, verify and install a package in one safe step") },
  { "monitor", fwctl_cmd_monitor, N_ ("Print every event of every module until Ctrl-C") },
  { "add-port", fwctl_cmd_add_port, N_ ("Add a module on a serial port") },
  { "remove-port", fwctl_cmd_remove_port, N_ ("Forget a module added with add-port") },
  { NULL, NULL, NULL },
};

static char *
describe_commands (void)
{
  g_autoptr (GString) text = g_string_new (_ ("Commands:"));

  g_string_append_c (text, '\n');
  for (const FwctlCommand *c = fwctl_commands; c->name != NULL; c++)
    g_string_append_printf (text, "  %-12s %s\n", c->name, _ (c->summary));
  g_string_append_printf (text, "\n%s\n",
                          _ ("Run “onemo-fwctl COMMAND --help” for a command's options."));
  g_string_append_printf (text, "\n%s\n", _ ("Exit status:"));
  g_string_append_printf (text, "  0  %s\n", _ ("success"));
  g_string_append_printf (text, "  1  %s\n", _ ("failure"));
  g_string_append_printf (text, "  2  %s\n", _ ("usage error"));
  g_string_append_printf (text, "  3  %s\n", _ ("not supported by the module"));
  g_string_append_printf (text, "  4  %s\n", _ ("invalid argument"));
  g_string_append_printf (text, "  5  %s\n", _ ("the module is busy"));
  g_string_append_printf (text, "  6  %s\n", _ ("timeout"));
  g_string_append_printf (text, "  7  %s\n", _ ("the module's port is gone"));
  g_string_append_printf (text, "  8  %s\n", _ ("the package could not be verified"));
  g_string_append_printf (text, "  9  %s\n", _ ("cancelled"));
  g_string_append_printf (text, "  10 %s\n", _ ("permission denied"));
  g_string_append_printf (text, "  11 %s\n", _ ("no such module, or the service is not running"));
  g_string_append_printf (text, "  12 %s\n", _ ("the download failed"));
  g_string_append_printf (text, "  13 %s\n", _ ("the upgrade failed"));
  g_string_append_printf (text, "  14 %s", _ ("the write failed"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const FwctlCommand *
find_command (const char *name)
{
  for (const FwctlCommand *c = fwctl_commands; c->name != NULL; c++) {
    if (g_str_equal (c->name, name))
      return c;
  }
  return NULL;
}

static void
setup_gettext (void)
{
  /* Tests run from the build tree, where the catalogues are not installed yet. */
  const char *localedir = g_getenv ("ONEMO_FWCTL_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static FwctlOutput
choose_output (FwctlContext *ctx)
{
  if (ctx->json)
    return FWCTL_OUTPUT_JSON;
  if (ctx->quiet)
    return FWCTL_OUTPUT_QUIET;
  return isatty (STDOUT_FILENO) ? FWCTL_OUTPUT_TTY : FWCTL_OUTPUT_LINES;
}

int
main (int argc, char **argv)
{
  FwctlContext ctx = { .bus_type = G_BUS_TYPE_SYSTEM };
  gboolean session = FALSE, version = FALSE;
  g_autofree char *module_id = NULL;
  g_autoptr (GOptionContext) options = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;
  g_auto (GStrv) args = NULL;
  const FwctlCommand *command;
  int exit_code;
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_NONE, &session, N_ ("Use the session bus (for tests)"), NULL },
    { "module", 'm', 0, G_OPTION_ARG_STRING, &module_id,
      N_ ("The module: its number, object path, IMEI or port"), N_ ("ID") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &ctx.json, N_ ("Print JSON, one object per line"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &ctx.quiet, N_ ("Print only errors"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &ctx.timeout_s,
      N_ ("Method call timeout (default: 25 s, 300 s when a password may be asked, 1 hour for long "
          "operations)"),
      N_ ("SECONDS") },
    { "no-ask-password", 0, 0, G_OPTION_ARG_NONE, &ctx.no_ask_password,
      N_ ("Never ask for a password: fail where polkit would ask"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_ ("Print the version"), NULL },
    { NULL },
  };

  setup_gettext ();
  /* Registers the service's error names, so remote errors arrive in ONEMO_FIRMWARE_ERROR. */
  (void)onemo_firmware_error_quark ();
  signal (SIGPIPE, SIG_IGN);

  options = g_option_context_new (_ ("COMMAND [ARGUMENTS…]"));
  g_option_context_set_translation_domain (options, GETTEXT_PACKAGE);
  g_option_context_set_summary (options, _ ("Update the firmware of OneMO cellular modules."));
  description = describe_commands ();
  g_option_context_set_description (options, description);
  g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  /* Global options may come anywhere; the others after the command belong to the command. */
  args = fwctl_args_hoist_globals (argc, argv);
  argc = (int)g_strv_length (args);
  g_option_context_set_strict_posix (options, TRUE);
  if (!g_option_context_parse_strv (options, &args, &error))
    return fwctl_report_error (&ctx, g_steal_pointer (&error));
  argc = (int)g_strv_length (args);

  if (version) {
    g_print ("onemo-fwctl %s\n", PACKAGE_VERSION);
    return FWCTL_EXIT_OK;
  }
  if (session || g_strcmp0 (g_getenv ("ONEMO_FWCTL_BUS"), "session") == 0)
    ctx.bus_type = G_BUS_TYPE_SESSION;
  if (ctx.timeout_s < 0)
    return fwctl_usage_error (&ctx, _ ("--timeout needs a positive number of seconds"));
  ctx.module_id = g_steal_pointer (&module_id);
  /* polkit, and so its agents, live on the system bus; --session is for tests. */
  ctx.may_ask
      = ctx.bus_type == G_BUS_TYPE_SYSTEM
        && fwctl_agent_wanted (!ctx.no_ask_password, isatty (STDIN_FILENO), geteuid () == 0);
  ctx.output = choose_output (&ctx);

  if (argc < 2)
    return fwctl_usage_error (&ctx, _ ("No command given; “onemo-fwctl --help” lists them"));
  command = find_command (args[1]);
  if (command == NULL) {
    g_autofree char *message = g_strdup_printf (_ ("Unknown command “%s”"), args[1]);
    return fwctl_usage_error (&ctx, message);
  }
  exit_code = command->run (&ctx, argc - 1, args + 1);
  fwctl_stop_agent (&ctx);
  g_clear_object (&ctx.client);
  g_clear_object (&ctx.bus);
  g_free (ctx.module_id);
  return exit_code;
}
