/* "monitor": every signal of every module, and modules coming and going, until Ctrl-C. It
 * prints the service's progress signals and property changes as they come, under their D-Bus
 * names, and whether the service runs. */
#include "config.h"

#include "fwctl-commands.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>

/* Starts a JSON event line: {"event":…,"module":…; the caller closes it. */
static FwctlJson *
json_event (const char *event, OnemoFwModule *module)
{
  FwctlJson *json = fwctl_json_new ();

  fwctl_json_begin_object (json);
  fwctl_json_member_string (json, "event", event);
  if (module != NULL)
    fwctl_json_member_string (json, "module", onemo_fw_module_get_object_path (module));
  return json;
}

static void
print_json_event (FwctlJson *json)
{
  fwctl_json_end_object (json);
  fwctl_print_json (json);
}

static const char *
short_id (OnemoFwModule *module)
{
  return fwctl_module_short_id (onemo_fw_module_get_object_path (module));
}

static void
on_download_progress (OnemoFwModule *module, guint status, guint64 total, guint64 done,
                      FwctlContext *ctx)
{
  const char *status_name = fwctl_progress_status_name (FWCTL_EVENT_DOWNLOAD, status);

  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("progress", module);
    fwctl_json_member_string (json, "state", onemo_fw_module_get_state (module));
    fwctl_json_member_string (json, "status", status_name);
    fwctl_json_member_uint (json, "total", total);
    fwctl_json_member_uint (json, "done", done);
    print_json_event (json);
    return;
  }
  g_print ("%s: DownloadProgress %s %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\n",
           short_id (module), status_name, done, total);
}

static void
on_upgrade_progress (OnemoFwModule *module, guint status, guint percent, FwctlContext *ctx)
{
  const char *status_name = fwctl_progress_status_name (FWCTL_EVENT_UPGRADE, status);

  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("upgrade", module);
    fwctl_json_member_string (json, "state", onemo_fw_module_get_state (module));
    fwctl_json_member_string (json, "status", status_name);
    fwctl_json_member_uint (json, "percent", percent);
    print_json_event (json);
    return;
  }
  g_print ("%s: UpgradeProgress %s %u%%\n", short_id (module), status_name, percent);
}

/* The D-Bus name of a module property: "sub-model" is SubModel. */
static char *
dbus_property_name (const char *property)
{
  g_auto (GStrv) words = g_strsplit (property, "-", -1);
  GString *name = g_string_new (NULL);

  for (char **word = words; *word != NULL; word++) {
    g_string_append_c (name, g_ascii_toupper ((*word)[0]));
    g_string_append (name, *word + 1);
  }
  return g_string_free (name, FALSE);
}

/* A module property's value as the service sent it. */
static GVariant *
property_value (OnemoFwModule *module, GParamSpec *pspec)
{
  g_auto (GValue) value = G_VALUE_INIT;
  const GVariantType *type;

  switch (G_PARAM_SPEC_VALUE_TYPE (pspec)) {
    case G_TYPE_STRING:
      type = G_VARIANT_TYPE_STRING;
      break;
    case G_TYPE_UINT:
      type = G_VARIANT_TYPE_UINT32;
      break;
    case G_TYPE_UINT64:
      type = G_VARIANT_TYPE_UINT64;
      break;
    default:
      if (G_PARAM_SPEC_VALUE_TYPE (pspec) != G_TYPE_STRV)
        return NULL;
      type = G_VARIANT_TYPE_STRING_ARRAY;
  }
  g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_object_get_property (G_OBJECT (module), pspec->name, &value);
  return g_variant_ref_sink (g_dbus_gvalue_to_gvariant (&value, type));
}

/* One line per property the service changed. The writable properties are the module object's
 * own call settings, not the service's: they are not printed. */
static void
on_property_changed (OnemoFwModule *module, GParamSpec *pspec, FwctlContext *ctx)
{
  g_autofree char *name = NULL;
  g_autoptr (GVariant) value = NULL;

  if ((pspec->flags & G_PARAM_WRITABLE) != 0 || (value = property_value (module, pspec)) == NULL)
    return;
  name = dbus_property_name (pspec->name);
  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("properties", module);
    fwctl_json_key (json, "changed");
    fwctl_json_begin_object (json);
    fwctl_json_key (json, name);
    fwctl_json_variant (json, value);
    fwctl_json_end_object (json);
    print_json_event (json);
    return;
  }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)) {
    g_print ("%s: %s = %s\n", short_id (module), name, g_variant_get_string (value, NULL));
  } else {
    g_autofree char *text = g_variant_print (value, FALSE);
    g_print ("%s: %s = %s\n", short_id (module), name, text);
  }
}

static void
watch_module (FwctlContext *ctx, OnemoFwModule *module)
{
  g_signal_connect (module, "download-progress", G_CALLBACK (on_download_progress), ctx);
  g_signal_connect (module, "upgrade-progress", G_CALLBACK (on_upgrade_progress), ctx);
  g_signal_connect (module, "notify", G_CALLBACK (on_property_changed), ctx);
}

static void
on_module_added (OnemoClient *client, OnemoFwModule *module, FwctlContext *ctx)
{
  watch_module (ctx, module);
  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("added", module);
    fwctl_json_member_string (json, "sub-model", onemo_fw_module_get_sub_model (module));
    fwctl_json_member_string (json, "port", onemo_fw_module_get_port (module));
    print_json_event (json);
    return;
  }
  g_print (_ ("%s: module added (%s on %s)\n"), short_id (module),
           onemo_fw_module_get_sub_model (module), onemo_fw_module_get_port (module));
}

static void
on_module_removed (OnemoClient *client, OnemoFwModule *module, FwctlContext *ctx)
{
  g_signal_handlers_disconnect_by_data (module, ctx);
  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("removed", module);
    print_json_event (json);
    return;
  }
  g_print (_ ("%s: module removed\n"), short_id (module));
}

static void
on_service_running (OnemoClient *client, GParamSpec *pspec, FwctlContext *ctx)
{
  gboolean running = onemo_client_get_service_running (client);

  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("service", NULL);
    fwctl_json_member_bool (json, "running", running);
    print_json_event (json);
    return;
  }
  g_print ("%s\n",
           running ? _ ("The firmware service started") : _ ("The firmware service stopped"));
}

static gboolean
on_interrupt (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
fwctl_cmd_monitor (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GPtrArray) modules = NULL;
  int exit_code = 0;

  if (!fwctl_parse_command (ctx, "",
                            _ ("Print every progress signal and property change of every module, "
                               "and modules appearing or disappearing, until Ctrl-C. With --json, "
                               "one object per line."),
                            NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 1)
    return fwctl_usage_error (ctx, _ ("“monitor” takes no arguments"));
  if (!fwctl_connect (ctx, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));

  modules = onemo_client_get_modules (ctx->client);
  for (guint i = 0; i < modules->len; i++)
    watch_module (ctx, modules->pdata[i]);
  g_signal_connect (ctx->client, "module-added", G_CALLBACK (on_module_added), ctx);
  g_signal_connect (ctx->client, "module-removed", G_CALLBACK (on_module_removed), ctx);
  g_signal_connect (ctx->client, "notify::service-running", G_CALLBACK (on_service_running), ctx);
  /* Each event reaches a pipe as soon as it happens. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_unix_signal_add (SIGINT, on_interrupt, loop);
  g_unix_signal_add (SIGTERM, on_interrupt, loop);

  /* The bus handles a connection's messages in order: once it answers this, our signal
   * subscriptions are in place. Then "ready" tells a script that every signal from now on will be
   * seen. */
  reply = g_dbus_connection_call_sync (
      ctx->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "GetId",
      NULL, NULL, G_DBUS_CALL_FLAGS_NONE, fwctl_timeout_ms (ctx, FALSE), NULL, &error);
  if (reply == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("ready", NULL);
    print_json_event (json);
  } else if (!ctx->quiet) {
    g_printerr (_ ("Monitoring; press Ctrl-C to stop.\n"));
  }
  g_main_loop_run (loop);
  return FWCTL_EXIT_OK;
}
