/* SPDX-License-Identifier: GPL-2.0-or-later */
/* "add-port DEVICE" and "remove-port": UART modules, which cannot be discovered. */
#include "config.h"

#include "fwctl-commands.h"

#include "fwctl-run.h"

#include <glib/gi18n.h>

/* The device and options of an AddPort. */
typedef struct {
  const char *device;
  GVariant *options;
} AddPort;

static void
start_add_port (OnemoClient *client, gpointer args, GAsyncReadyCallback callback,
                gpointer user_data)
{
  AddPort *add = args;

  onemo_client_add_port_async (client, add->device, add->options, NULL, callback, user_data);
}

static void
start_remove_port (OnemoClient *client, gpointer module, GAsyncReadyCallback callback,
                   gpointer user_data)
{
  onemo_client_remove_port_async (client, module, NULL, callback, user_data);
}

int
fwctl_cmd_add_port (FwctlContext *ctx, int argc, char **argv)
{
  g_auto (GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autoptr (GError) error = NULL;
  g_autofree char *model = NULL;
  g_autoptr (GVariant) options = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (OnemoFwModule) module = NULL;
  const char *path;
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

  if (!fwctl_connect (ctx, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  options = g_variant_ref_sink (g_variant_builder_end (&builder));
  result = fwctl_call_client (ctx, start_add_port,
                              &(AddPort){ .device = argv[1], .options = options });
  module = onemo_client_add_port_finish (ctx->client, result, &error);
  if (module == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  path = onemo_fw_module_get_object_path (module);
  if (ctx->json)
    return fwctl_report_success (ctx, "module", path);
  if (!ctx->quiet)
    g_print ("%s\n", path);
  return FWCTL_EXIT_OK;
}

int
fwctl_cmd_remove_port (FwctlContext *ctx, int argc, char **argv)
{
  g_autoptr (OnemoFwModule) module = NULL;
  g_autoptr (GAsyncResult) result = NULL;
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
  if (!fwctl_connect (ctx, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  module = fwctl_find_module (ctx, &error);
  if (module == NULL)
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  result = fwctl_call_client (ctx, start_remove_port, module);
  if (!onemo_client_remove_port_finish (ctx->client, result, &error))
    return fwctl_report_error (ctx, g_steal_pointer (&error));
  return fwctl_report_success (ctx, NULL, NULL);
}
