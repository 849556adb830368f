/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "monitor": every signal of every module, and modules coming and going, until Ctrl-C. It
 * prints the service's signals and property changes as they come, and whether the service
 * runs, which the library does not carry: it watches the bus with the generated code. */
#include "config.h"

#include "fwctl-commands.h"

#include "onemo-dbus-generated.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <stdio.h>

static const char *
module_path (gpointer proxy)
{
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (proxy));
}

/* Starts a JSON event line: {"event":…,"module":…; the caller closes it. */
static FwctlJson *
json_event (const char *event, const char *path)
{
  FwctlJson *json = fwctl_json_new ();

  fwctl_json_begin_object (json);
  fwctl_json_member_string (json, "event", event);
  if (path != NULL)
    fwctl_json_member_string (json, "module", path);
  return json;
}

static void
print_json_event (FwctlJson *json)
{
  fwctl_json_end_object (json);
  fwctl_print_json (json);
}

static void
on_download_progress (OnemoDBusFirmware *module, guint status, guint64 total, guint64 done,
                      FwctlContext *ctx)
{
  const char *status_name = fwctl_progress_status_name (FWCTL_EVENT_DOWNLOAD, status);

  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("progress", module_path (module));
    fwctl_json_member_string (json, "state", onemo_dbus_firmware_get_state (module));
    fwctl_json_member_string (json, "status", status_name);
    fwctl_json_member_uint (json, "total", total);
    fwctl_json_member_uint (json, "done", done);
    print_json_event (json);
    return;
  }
  g_print ("%s: DownloadProgress %s %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\n",
           fwctl_module_short_id (module_path (module)), status_name, done, total);
}

static void
on_upgrade_progress (OnemoDBusFirmware *module, guint status, guint percent, FwctlContext *ctx)
{
  const char *status_name = fwctl_progress_status_name (FWCTL_EVENT_UPGRADE, status);

  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("upgrade", module_path (module));
    fwctl_json_member_string (json, "state", onemo_dbus_firmware_get_state (module));
    fwctl_json_member_string (json, "status", status_name);
    fwctl_json_member_uint (json, "percent", percent);
    print_json_event (json);
    return;
  }
  g_print ("%s: UpgradeProgress %s %u%%\n", fwctl_module_short_id (module_path (module)),
           status_name, percent);
}

static void
on_properties_changed (GDBusProxy *module, GVariant *changed, const char *const *invalidated,
                       FwctlContext *ctx)
{
  GVariantIter iter;
  const char *name;
  GVariant *value;

  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("properties", module_path (module));
    fwctl_json_key (json, "changed");
    fwctl_json_variant (json, changed);
    print_json_event (json);
    return;
  }
  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value)) {
    g_autofree char *text = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                                ? g_variant_dup_string (value, NULL)
                                : g_variant_print (value, FALSE);
    g_print ("%s: %s = %s\n", fwctl_module_short_id (module_path (module)), name, text);
    g_variant_unref (value);
  }
}

static void
watch_module (FwctlContext *ctx, OnemoDBusFirmware *module)
{
  g_signal_connect (module, "download-progress", G_CALLBACK (on_download_progress), ctx);
  g_signal_connect (module, "upgrade-progress", G_CALLBACK (on_upgrade_progress), ctx);
  g_signal_connect (module, "g-properties-changed", G_CALLBACK (on_properties_changed), ctx);
}

static void
on_object_added (GDBusObjectManager *manager, GDBusObject *object, FwctlContext *ctx)
{
  g_autoptr (OnemoDBusFirmware) module
      = onemo_dbus_object_get_firmware (ONEMO_DBUS_OBJECT (object));

  if (module == NULL)
    return;
  watch_module (ctx, module);
  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("added", module_path (module));
    fwctl_json_member_string (json, "sub-model", onemo_dbus_firmware_get_sub_model (module));
    fwctl_json_member_string (json, "port", onemo_dbus_firmware_get_port (module));
    print_json_event (json);
    return;
  }
  g_print (_ ("%s: module added (%s on %s)\n"), fwctl_module_short_id (module_path (module)),
           onemo_dbus_firmware_get_sub_model (module), onemo_dbus_firmware_get_port (module));
}

static void
on_object_removed (GDBusObjectManager *manager, GDBusObject *object, FwctlContext *ctx)
{
  const char *path = g_dbus_object_get_object_path (object);

  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("removed", path);
    print_json_event (json);
    return;
  }
  g_print (_ ("%s: module removed\n"), fwctl_module_short_id (path));
}

static void
on_name_owner (GObject *manager, GParamSpec *pspec, FwctlContext *ctx)
{
  g_autofree char *owner
      = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (manager));

  if (ctx->json) {
    g_autoptr (FwctlJson) json = json_event ("service", NULL);
    fwctl_json_member_bool (json, "running", owner != NULL);
    print_json_event (json);
    return;
  }
  g_print ("%s\n",
           owner != NULL ? _ ("The firmware service started") : _ ("The firmware service stopped"));
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
  g_autoptr (GDBusObjectManager) manager = NULL;
  GList *objects;
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

  manager = onemo_dbus_object_manager_client_new_sync (
      ctx->bus, G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START, FWCTL_BUS_NAME,
      FWCTL_ROOT_PATH, NULL, &error);
  if (manager == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  objects = g_dbus_object_manager_get_objects (manager);
  for (GList *l = objects; l != NULL; l = l->next) {
    g_autoptr (OnemoDBusFirmware) module = onemo_dbus_object_get_firmware (l->data);
    if (module != NULL)
      watch_module (ctx, module);
  }
  g_list_free_full (objects, g_object_unref);
  g_signal_connect (manager, "object-added", G_CALLBACK (on_object_added), ctx);
  g_signal_connect (manager, "object-removed", G_CALLBACK (on_object_removed), ctx);
  g_signal_connect (manager, "notify::name-owner", G_CALLBACK (on_name_owner), ctx);
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
