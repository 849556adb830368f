/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every command shares: its options, the bus, finding the module, reporting the end. */
#include "config.h"

#include "fwctl-common.h"

#include "fwctl-agent.h"
#include "fwctl-settings.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

gboolean
fwctl_parse_command (FwctlContext *ctx, const char *parameters, const char *summary,
                     const GOptionEntry *entries, int *argc, char ***argv, int *out_exit)
{
  g_autoptr (GOptionContext) options = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *usage
      = g_strdup_printf ("%s%s%s", (*argv)[0], *parameters ? " " : "", parameters);

  options = g_option_context_new (usage);
  g_option_context_set_translation_domain (options, GETTEXT_PACKAGE);
  g_option_context_set_summary (options, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (options, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (options, argc, argv, &error)) {
    *out_exit = fwctl_report_error (ctx, g_steal_pointer (&error));
    return FALSE;
  }
  return TRUE;
}

gboolean
fwctl_connect (FwctlContext *ctx, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GVariant) reply = NULL;

  ctx->bus = g_bus_get_sync (ctx->bus_type, NULL, &local_error);
  if (ctx->bus == NULL) {
    g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_NO_SERVICE, _ ("Cannot reach the bus: %s"),
                 local_error->message);
    return FALSE;
  }
  /* Ping starts a D-Bus activatable service; the object manager client alone would not. */
  reply = g_dbus_connection_call_sync (
      ctx->bus, FWCTL_BUS_NAME, FWCTL_ROOT_PATH, "org.freedesktop.DBus.Peer", "Ping", NULL, NULL,
      G_DBUS_CALL_FLAGS_NONE, fwctl_timeout_ms (ctx, FALSE), NULL, &local_error);
  /* Anything else (AccessDenied from the bus policy…) is reported as it is. */
  if (reply == NULL && !g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
      && !g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)) {
    g_propagate_error (error, g_steal_pointer (&local_error));
    return FALSE;
  }
  if (reply == NULL) {
    g_dbus_error_strip_remote_error (local_error);
    g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_NO_SERVICE, _ ("%s is not on the %s bus (%s)"),
                 FWCTL_BUS_NAME, ctx->bus_type == G_BUS_TYPE_SESSION ? "session" : "system",
                 local_error->message);
    return FALSE;
  }
  ctx->client = onemo_client_new_sync (ctx->bus, NULL, error);
  return ctx->client != NULL;
}

const char *
fwctl_module_short_id (const char *object_path)
{
  if (g_str_has_prefix (object_path, FWCTL_MODULE_PATH))
    return object_path + strlen (FWCTL_MODULE_PATH);
  return object_path;
}

static gint
compare_modules (gconstpointer a, gconstpointer b)
{
  const char *path_a = onemo_fw_module_get_object_path ((OnemoFwModule *)a);
  const char *path_b = onemo_fw_module_get_object_path ((OnemoFwModule *)b);
  guint64 n_a = g_ascii_strtoull (fwctl_module_short_id (path_a), NULL, 10);
  guint64 n_b = g_ascii_strtoull (fwctl_module_short_id (path_b), NULL, 10);

  if (n_a != n_b)
    return n_a < n_b ? -1 : 1;
  return g_strcmp0 (path_a, path_b);
}

GList *
fwctl_list_modules (FwctlContext *ctx)
{
  g_autoptr (GPtrArray) found = onemo_client_get_modules (ctx->client);
  GList *modules = NULL;

  for (guint i = 0; i < found->len; i++)
    modules = g_list_prepend (modules, g_object_ref (found->pdata[i]));
  return g_list_sort (modules, compare_modules);
}

static char *
join_module_ids (GList *modules)
{
  g_autoptr (GString) ids = g_string_new (NULL);

  for (GList *l = modules; l != NULL; l = l->next) {
    const char *path = onemo_fw_module_get_object_path (l->data);
    g_string_append_printf (ids, "%s%s", ids->len > 0 ? ", " : "", fwctl_module_short_id (path));
  }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

OnemoFwModule *
fwctl_find_module (FwctlContext *ctx, GError **error)
{
  GList *modules = fwctl_list_modules (ctx);
  OnemoFwModule *found = NULL;
  g_autofree char *ids = join_module_ids (modules);

  if (ctx->module_id != NULL) {
    for (GList *l = modules; l != NULL && found == NULL; l = l->next) {
      OnemoFwModule *module = l->data;
      if (fwctl_module_id_matches (ctx->module_id, onemo_fw_module_get_object_path (module),
                                   onemo_fw_module_get_imei (module),
                                   onemo_fw_module_get_port (module)))
        found = g_object_ref (module);
    }
    if (found == NULL)
      g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_NO_MODULE, _ ("No module matches “%s”"),
                   ctx->module_id);
  } else if (modules == NULL) {
    g_set_error_literal (error, FWCTL_ERROR, FWCTL_ERROR_NO_MODULE,
                         _ ("The service has found no module"));
  } else if (modules->next != NULL) {
    g_set_error (error, FWCTL_ERROR, FWCTL_ERROR_USAGE,
                 _ ("There is more than one module: choose one with --module (%s)"), ids);
  } else {
    found = g_object_ref (modules->data);
  }
  g_list_free_full (modules, g_object_unref);
  return found;
}

GDBusCallFlags
fwctl_call_flags (FwctlContext *ctx)
{
  g_autoptr (GError) error = NULL;

  if (ctx->no_ask_password)
    return G_DBUS_CALL_FLAGS_NONE;
  if (ctx->may_ask && !ctx->agent_tried) {
    ctx->agent_pid = fwctl_agent_start (PKTTYAGENT, &error);
    /* Without an agent polkit refuses what needs a password, and the error says so. */
    if (ctx->agent_pid == 0)
      g_debug ("No polkit text agent: %s", error->message);
  }
  ctx->agent_tried = TRUE;
  return G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION;
}

void
fwctl_stop_agent (FwctlContext *ctx)
{
  fwctl_agent_stop (ctx->agent_pid);
  ctx->agent_pid = 0;
}

gint
fwctl_timeout_ms (FwctlContext *ctx, gboolean long_call)
{
  gint seconds = ctx->timeout_s > 0 ? ctx->timeout_s
                 : long_call        ? FWCTL_LONG_TIMEOUT_S
                 : ctx->may_ask     ? FWCTL_ASK_TIMEOUT_S
                                    : FWCTL_SHORT_TIMEOUT_S;

  return seconds * 1000;
}

void
fwctl_print_json (FwctlJson *json)
{
  g_print ("%s\n", fwctl_json_get (json));
  fflush (stdout);
}

int
fwctl_report_error (FwctlContext *ctx, GError *error)
{
  g_autoptr (GError) owned = error;
  g_autofree char *name = fwctl_error_dbus_name (error);
  g_autofree char *text = NULL;
  FwctlExit code;

  g_dbus_error_strip_remote_error (error);
  code = fwctl_exit_code_for_error (error);
  text = fwctl_error_format (error);
  g_printerr ("onemo-fwctl: %s\n", text);
  if (ctx->json) {
    g_autoptr (FwctlJson) json = fwctl_json_new ();
    fwctl_json_begin_object (json);
    fwctl_json_member_string (json, "event", "result");
    fwctl_json_member_bool (json, "ok", FALSE);
    fwctl_json_member_string (json, "error", name);
    fwctl_json_member_string (json, "message", error->message);
    fwctl_json_member_uint (json, "exit", code);
    fwctl_json_end_object (json);
    fwctl_print_json (json);
  }
  return code;
}

int
fwctl_report_success (FwctlContext *ctx, const char *extra_key, const char *extra_value)
{
  if (ctx->json) {
    g_autoptr (FwctlJson) json = fwctl_json_new ();
    fwctl_json_begin_object (json);
    fwctl_json_member_string (json, "event", "result");
    fwctl_json_member_bool (json, "ok", TRUE);
    if (extra_key != NULL)
      fwctl_json_member_string (json, extra_key, extra_value);
    fwctl_json_end_object (json);
    fwctl_print_json (json);
  }
  return FWCTL_EXIT_OK;
}

/* On a terminal, the password is typed without echo after a prompt. */
static gboolean
stdin_echo_off (struct termios *saved)
{
  struct termios quiet;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, saved) != 0)
    return FALSE;
  quiet = *saved;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  if (tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
    return FALSE;
  g_printerr ("%s", _ ("Password: "));
  return TRUE;
}

char *
fwctl_read_stdin_line (GError **error)
{
  g_autoptr (GString) line = g_string_new (NULL);
  struct termios saved;
  gboolean echo_off = stdin_echo_off (&saved);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, (char)c);
  if (echo_off) {
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
    g_printerr ("\n");
  }
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);
  if (c == EOF && line->len == 0) {
    g_set_error_literal (error, FWCTL_ERROR, FWCTL_ERROR_USAGE,
                         _ ("--password-stdin: nothing to read on standard input"));
    return NULL;
  }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

OnemoFwModule *
fwctl_open_module (FwctlContext *ctx, int *out_exit)
{
  g_autoptr (GError) error = NULL;
  OnemoFwModule *module = NULL;

  if (fwctl_connect (ctx, &error))
    module = fwctl_find_module (ctx, &error);
  if (module == NULL)
    *out_exit = fwctl_report_error (ctx, g_steal_pointer (&error));
  return module;
}

int
fwctl_usage_error (FwctlContext *ctx, const char *message)
{
  return fwctl_report_error (ctx, g_error_new_literal (FWCTL_ERROR, FWCTL_ERROR_USAGE, message));
}

char *
fwctl_get_string_property (FwctlContext *ctx, OnemoFwModule *module, const char *name)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) value = NULL;

  reply = g_dbus_connection_call_sync (
      ctx->bus, FWCTL_BUS_NAME, onemo_fw_module_get_object_path (module),
      "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", FWCTL_MODULE_INTERFACE, name), G_VARIANT_TYPE ("(v)"),
      G_DBUS_CALL_FLAGS_NONE, fwctl_timeout_ms (ctx, FALSE), NULL, NULL);
  if (reply == NULL)
    return g_strdup ("");
  g_variant_get (reply, "(v)", &value);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_strdup ("");
  return g_variant_dup_string (value, NULL);
}
