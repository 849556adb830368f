/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "add-port DEVICE" and "remove-port": UART modules, which cannot be discovered. */
#include "config.h"

#include "fwctl-commands.h"

#include "onemo-dbus-generated.h"

#include <glib/gi18n.h>

static OnemoDBusFirmwareManager *
manager_proxy (FwctlContext *ctx, int *out_exit)
{
  g_autoptr (GError) error = NULL;
  OnemoDBusFirmwareManager *manager = NULL;

  if (fwctl_connect (ctx, &error))
    manager = onemo_dbus_firmware_manager_proxy_new_sync (
        ctx->bus, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, FWCTL_BUS_NAME, FWCTL_ROOT_PATH, NULL,
        &error);
  if (manager == NULL) {
    *out_exit = fwctl_report_error (ctx, g_steal_pointer (&error));
    return NULL;
  }
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (manager), fwctl_timeout_ms (ctx, FALSE));
  return manager;
}

int
fwctl_cmd_add_port (FwctlContext *ctx, int argc, char **argv)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (OnemoDBusFirmwareManager) manager = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *model = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GVariant) reply = NULL;
  gint64 baud = 0;
  gboolean flow_control = FALSE;
  int exit_code = 0;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &model,
      N_ ("The sub-model, when the module cannot tell it (e.g. MN316-DBRS)"), N_ ("MODEL") },
    { "baud", 0, 0, G_OPTION_ARG_INT64, &baud, N_ ("Line rate (default 115200)"), N_ ("RATE") },
    { "flow-control", 0, 0, G_OPTION_ARG_NONE, &flow_control, N_ ("Use RTS/CTS flow control"),
      NULL },
    { NULL },
  };

  if (!fwctl_parse_command (ctx, _ ("DEVICE"),
                            _ ("Add the module on the serial port DEVICE, e.g. /dev/ttyS1."),
                            entries, &argc, &argv, &exit_code))
    return exit_code;
  if (argc != 2)
    return fwctl_usage_error (ctx, _ ("“add-port” needs one DEVICE"));
  if (baud < 0 || baud > G_MAXUINT32)
    return fwctl_usage_error (ctx, _ ("--baud is out of range"));
  if (model != NULL)
    g_variant_builder_add (&builder, "{sv}", "model", g_variant_new_string (model));
  if (baud > 0)
    g_variant_builder_add (&builder, "{sv}", "baud", g_variant_new_uint32 ((guint32)baud));
  if (flow_control)
    g_variant_builder_add (&builder, "{sv}", "flow-control", g_variant_new_boolean (TRUE));

  manager = manager_proxy (ctx, &exit_code);
  if (manager == NULL)
    return exit_code;
  reply = g_dbus_proxy_call_sync (
      G_DBUS_PROXY (manager), "AddPort",
      g_variant_new ("(s@a{sv})", argv[1], g_variant_builder_end (&builder)),
      fwctl_call_flags (ctx), fwctl_timeout_ms (ctx, FALSE), NULL, &error);
  if (reply == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  g_variant_get (reply, "(o)", &path);
  if (ctx->json)
    return fwctl_report_success (ctx, "module", path);
  if (!ctx->quiet)
    g_print ("%s\n", path);
  return FWCTL_EXIT_OK;
}

int
fwctl_cmd_remove_port (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (OnemoDBusFirmwareManager) manager = NULL;
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  int exit_code = 0;

  if (!fwctl_parse_command (ctx, _ ("[MODULE]"),
                            _ ("Forget a module added with add-port and release its port. MODULE "
                               "is any ID --module takes."),
                            NULL, &argc, &argv, &exit_code))
    return exit_code;
  if (argc > 2)
    return fwctl_usage_error (ctx, _ ("“remove-port” takes at most one MODULE"));
  if (argc == 2) {
    g_free (ctx->module_id);
    ctx->module_id = g_strdup (argv[1]);
  }
  manager = manager_proxy (ctx, &exit_code);
  if (manager == NULL)
    return exit_code;
  module = fwctl_find_module (ctx, &error);
  if (module == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (manager), "RemovePort",
                                  g_variant_new ("(o)", onemo_fw_module_get_object_path (module)),
                                  fwctl_call_flags (ctx), fwctl_timeout_ms (ctx, FALSE), NULL,
                                  &error);
  if (reply == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  return fwctl_report_success (ctx, NULL, NULL);
}
