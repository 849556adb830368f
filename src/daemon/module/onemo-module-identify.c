/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Who is on the port: ATE0, AT+CMEE=1, ATI, AT+CGMI/CGMM/CGMR/CGSN, then the test forms of
 * what the sub-model should have, only logged: the manual gives them no format, so the model
 * table alone says what the module can do (docs/spec-notes.md, h).
 * Where ModemManager runs, its modem is asked first (by the module's USB device or tty: the IMEI
 * is not known yet), and waited for, up to --modem-manager-wait, when udev says ModemManager may
 * take the device: two hosts probing one port garble each other's answers. What it read is the
 * identity (onemo-module-identify-mm.c), and the port stays closed until the first operation.
 * Without such a modem, or with one whose identity cannot be read, the port is asked, the modem
 * (if ModemManager lists one) held inhibited meanwhile, as an operation would hold it. */
#include "onemo-command-sequence.h"
#include "onemo-module-identify.h"
#include "onemo-port-setup.h"
#include "onemo-module-journal.h"
#include "onemo-at-command.h"
#include "onemo-at-parsers.h"

#include <stdlib.h>

typedef struct {
  OnemoModemManager *modem_manager;
  OnemoMmInhibition *inhibition;
  OnemoAtPort *port;
  OnemoIdentity identity; /* manufacturer, model, revision */
  char *imei;
  const OnemoModel *sub_model;
} IdentifyData;

static void
identify_data_free_now (IdentifyData *data)
{
  if (data->port != NULL)
    onemo_at_port_close (data->port);
  g_clear_object (&data->port);
  /* The port is closed: ModemManager may have the module back. */
  if (data->inhibition != NULL)
    onemo_modem_manager_uninhibit (data->modem_manager, data->inhibition);
  g_clear_object (&data->inhibition);
  g_clear_object (&data->modem_manager);
  onemo_identity_clear (&data->identity);
  g_free (data->imei);
  g_free (data);
}

static gboolean
identify_data_free_idle (gpointer data)
{
  identify_data_free_now (data);
  return G_SOURCE_REMOVE;
}

/* The identification may end inside the port's own dispatch (a timeout, an overflow), which
 * still uses its command after the callback: the port closes from an idle, at a priority above
 * that of an incoming D-Bus call that could open the device again. */
static void
identify_data_free (IdentifyData *data)
{
  g_idle_add_full (G_PRIORITY_HIGH, identify_data_free_idle, data, NULL);
}

static const char *
first_line (GStrv lines)
{
  return lines != NULL && lines[0] != NULL ? lines[0] : "";
}

/* The test forms' answers, for whoever reads the log; nothing is taken from them. */
static void
log_test_forms (OnemoModule *self, GPtrArray *responses, const char *const *commands)
{
  for (guint i = 0; responses != NULL && i < responses->len && commands[i] != NULL; i++) {
    GStrv lines = g_ptr_array_index (responses, i);
    g_autofree char *joined = lines != NULL ? g_strjoinv (" | ", lines) : NULL;
    g_autofree char *escaped = joined != NULL ? g_strescape (joined, NULL) : NULL;

    g_debug ("%s: %s answers %s%s%s (not used: the model table rules)",
             onemo_module_get_device (self), commands[i], escaped != NULL ? "“" : "",
             escaped != NULL ? escaped : "an error", escaped != NULL ? "”" : "");
  }
}

static const char *const test_forms[] = { ONEMO_AT_CMD_CFG_TEST, ONEMO_AT_CMD_DOWNLOAD_TEST, NULL };

static void
identify_tests_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OnemoModule *self = g_task_get_source_object (task);
  IdentifyData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, &error);

  /* A test form the module does not answer at all changes nothing either; only a port that
   * went, or a cancel, ends the identification. */
  if (g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PORT_GONE)
      || g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_CANCELLED)) {
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (error != NULL)
    g_debug ("%s: the test forms went unanswered: %s", onemo_module_get_device (self),
             error->message);
  log_test_forms (self, responses, test_forms);
  onemo_module_set_identity (self, data->identity.manufacturer, data->identity.model,
                             data->sub_model, data->sub_model->features, data->identity.revision,
                             data->imei);
  onemo_module_journal_settle (self);
  g_task_return_boolean (task, TRUE);
}

static gboolean
read_identity (OnemoModule *self, GPtrArray *responses, IdentifyData *data, GError **error)
{
  /* Responses: ATE0, AT+CMEE=1, ATI, AT+CGMI, AT+CGMM, AT+CGMR, AT+CGSN. */
  g_autofree char *manufacturer = NULL;
  g_autofree char *model = NULL;
  g_autofree char *revision = NULL;

  if (!onemo_at_parse_ati ((const char *const *)g_ptr_array_index (responses, 2), &data->identity,
                           error)
      || !onemo_at_parse_cgmi (first_line (g_ptr_array_index (responses, 3)), &manufacturer, error)
      || !onemo_at_parse_cgmm (first_line (g_ptr_array_index (responses, 4)), &model, error)
      || !onemo_at_parse_cgmr (first_line (g_ptr_array_index (responses, 5)), &revision, error)
      || !onemo_at_parse_cgsn (first_line (g_ptr_array_index (responses, 6)), &data->imei, error))
    return FALSE;
  /* The dedicated commands are the precise answers; ATI only fills in the order. */
  g_free (data->identity.manufacturer);
  data->identity.manufacturer = g_steal_pointer (&manufacturer);
  g_free (data->identity.model);
  data->identity.model = g_steal_pointer (&model);
  g_free (data->identity.revision);
  data->identity.revision = g_steal_pointer (&revision);

  data->sub_model = onemo_model_from_revision (data->identity.revision);
  if (data->sub_model == NULL)
    data->sub_model = onemo_module_get_model_hint (self);
  if (data->sub_model == NULL) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED,
                 "Unknown module: model \"%s\", revision \"%s\"; name its sub-model with the "
                 "\"model\" option",
                 data->identity.model, data->identity.revision);
    return FALSE;
  }
  return TRUE;
}

static void
identify_basics_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OnemoModule *self = g_task_get_source_object (task);
  IdentifyData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, &error);
  OnemoCommandSequence *tests;
  GCancellable *cancellable;

  if (responses == NULL || !read_identity (self, responses, data, &error)) {
    g_prefix_error (&error, "Identifying the module on %s: ", onemo_module_get_device (self));
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  tests = onemo_command_sequence_new ();
  onemo_command_sequence_add (tests, g_strdup (test_forms[0]), 0, TRUE);
  if (data->sub_model->features & (ONEMO_F (DLOAD_HEX) | ONEMO_F (DLOAD_TRANSPARENT)))
    onemo_command_sequence_add (tests, g_strdup (test_forms[1]), 0, TRUE);
  /* Read before the task is handed on: argument order is unspecified. */
  cancellable = g_task_get_cancellable (task);
  onemo_command_sequence_run_async (tests, data->port,
                                    onemo_module_get_options (self)->command_timeout_ms,
                                    cancellable, identify_tests_done, g_steal_pointer (&task));
}

/* ATE0, AT+CMEE=1, ATI, AT+CGMI, AT+CGMM, AT+CGMR, AT+CGSN: what read_identity() reads. */
static OnemoCommandSequence *
basics_sequence (void)
{
  OnemoCommandSequence *basics = onemo_command_sequence_new ();

  onemo_port_setup_add (basics);
  onemo_command_sequence_add (basics, g_strdup (ONEMO_AT_CMD_IDENTIFY), 0, FALSE);
  onemo_command_sequence_add (basics, g_strdup (ONEMO_AT_CMD_MANUFACTURER), 0, FALSE);
  onemo_command_sequence_add (basics, g_strdup (ONEMO_AT_CMD_MODEL), 0, FALSE);
  onemo_command_sequence_add (basics, g_strdup (ONEMO_AT_CMD_REVISION), 0, FALSE);
  onemo_command_sequence_add (basics, g_strdup (ONEMO_AT_CMD_IMEI), 0, FALSE);
  return basics;
}

/* Takes @owned. */
static void
identify_start (GTask *owned)
{
  g_autoptr (GTask) task = owned;
  OnemoModule *self = g_task_get_source_object (task);
  IdentifyData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  data->port = onemo_module_open_port (self, &error);
  if (data->port == NULL) {
    g_task_return_error (task, error);
    return;
  }
  /* Answers that came after an earlier try gave up would shift every answer of this one. */
  onemo_at_port_discard_input (data->port);
  onemo_command_sequence_run_async (basics_sequence (), data->port,
                                    onemo_module_get_options (self)->command_timeout_ms,
                                    cancellable, identify_basics_done, g_steal_pointer (&task));
}

static void
identify_inhibited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  IdentifyData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->inhibition
      = onemo_modem_manager_inhibit_finish (ONEMO_MODEM_MANAGER (source), result, &error);
  if (error != NULL) {
    g_prefix_error (&error, "Identifying the module on %s: ",
                    onemo_module_get_device (g_task_get_source_object (task)));
    g_task_return_error (task, error);
    return;
  }
  identify_start (g_steal_pointer (&task));
}

/* Takes @task: over the port, holding ModemManager's modem if it lists one. */
static void
identify_over_port (GTask *task)
{
  OnemoModule *self = g_task_get_source_object (task);
  IdentifyData *data = g_task_get_task_data (task);

  onemo_modem_manager_inhibit_async (data->modem_manager, onemo_module_get_physical_device (self),
                                     NULL, onemo_module_get_mm_port (self), NULL,
                                     g_task_get_cancellable (task), identify_inhibited, task);
}

static void
identify_modem_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OnemoModule *self = g_task_get_source_object (task);
  const char *device = onemo_module_get_device (self);
  GError *error = NULL;
  g_autoptr (OnemoMmModemIdentity) modem
      = onemo_modem_manager_wait_modem_finish (ONEMO_MODEM_MANAGER (source), result, &error);

  if (error != NULL) {
    g_task_return_error (task, error);
    return;
  }
  if (modem == NULL) {
    if (onemo_module_get_mm_may_drive (self)) {
      if (onemo_modem_manager_is_running (ONEMO_MODEM_MANAGER (source)))
        g_message ("%s: ModemManager did not take the module within %u s: asking the port", device,
                   onemo_module_get_options (self)->modem_manager_wait_s);
      else
        g_debug ("%s: ModemManager is not running (any more): asking the port", device);
      /* Retries do not wait again. */
      onemo_module_set_udev_tty (self, onemo_module_get_mm_port (self), FALSE);
    }
  } else if (onemo_identify_from_modem (self, modem, &error)) {
    g_info ("%s: identified by ModemManager's modem %s, without opening the port", device,
            modem->uid);
    onemo_module_journal_settle (self);
    g_task_return_boolean (task, TRUE);
    return;
  } else if (g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED)) {
    g_prefix_error (&error, "Identifying the module on %s: ", device);
    g_task_return_error (task, error);
    return;
  } else {
    g_message ("%s: %s: asking the port", device, error->message);
    g_clear_error (&error);
  }
  identify_over_port (g_steal_pointer (&task));
}

void
onemo_module_identify_async (OnemoModule *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  IdentifyData *data = g_new0 (IdentifyData, 1);
  const OnemoDaemonOptions *options = onemo_module_get_options (self);
  OnemoModemManager *modem_manager = options->modem_manager;
  guint wait_s;

  g_task_set_source_tag (task, onemo_module_identify_async);
  g_task_set_task_data (task, data, (GDestroyNotify)identify_data_free);
  /* A module the journal says is upgrading must not be disturbed: it is followed instead. */
  if (onemo_module_journal_follow (self)) {
    g_task_return_boolean (task, TRUE);
    g_object_unref (task);
    return;
  }
  if (modem_manager == NULL) {
    identify_start (task);
    return;
  }
  data->modem_manager = g_object_ref (modem_manager);
  wait_s = onemo_module_get_mm_may_drive (self) ? options->modem_manager_wait_s : 0;
  g_debug ("%s: asking ModemManager for its modem %s (waiting up to %u s)",
           onemo_module_get_device (self), onemo_module_get_mm_port (self), wait_s);
  onemo_modem_manager_wait_modem_async (modem_manager, onemo_module_get_physical_device (self),
                                        onemo_module_get_mm_port (self), wait_s, cancellable,
                                        identify_modem_found, task);
}

gboolean
onemo_module_identify_finish (OnemoModule *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Confirming ModemManager's reading at the first operation ---- */

static void
confirm_basics_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OnemoModule *self = g_task_get_source_object (task);
  IdentifyData *data = g_task_get_task_data (task);
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, &error);
  g_autofree char *described = NULL;

  if (responses == NULL || !read_identity (self, responses, data, &error)) {
    g_prefix_error (&error,
                    "Confirming the module's identity on %s: ", onemo_module_get_device (self));
    g_task_return_error (task, g_steal_pointer (&error));
    return;
  }
  if (g_strcmp0 (data->imei, onemo_dbus_firmware_get_imei (iface)) == 0
      && g_strcmp0 (data->sub_model->sub_model, onemo_dbus_firmware_get_sub_model (iface)) == 0) {
    /* The same module: ModemManager's strings give way to the module's own answers. */
    onemo_module_set_identity (self, data->identity.manufacturer, data->identity.model,
                               data->sub_model, onemo_module_get_model (self)->features,
                               data->identity.revision, data->imei);
    onemo_module_set_identity_from_mm (self, FALSE);
    g_task_return_boolean (task, TRUE);
    return;
  }
  described = g_strdup_printf ("%s with IMEI %s", onemo_dbus_firmware_get_sub_model (iface),
                               onemo_dbus_firmware_get_imei (iface));
  onemo_module_set_identity (self, data->identity.manufacturer, data->identity.model,
                             data->sub_model, data->sub_model->features, data->identity.revision,
                             data->imei);
  onemo_module_set_identity_from_mm (self, FALSE);
  g_task_return_new_error (task, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                           "ModemManager described a %s, but %s answers as a %s with IMEI %s: "
                           "nothing was done, the module's properties are its own answers now",
                           described, onemo_module_get_device (self), data->sub_model->sub_model,
                           data->imei);
}

void
onemo_module_confirm_identity_async (OnemoModule *self, OnemoAtPort *port,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, onemo_module_confirm_identity_async);
  /* No port of its own: the operation's is borrowed. */
  g_task_set_task_data (task, g_new0 (IdentifyData, 1), (GDestroyNotify)identify_data_free);
  onemo_command_sequence_run_async (basics_sequence (), port,
                                    onemo_module_get_options (self)->command_timeout_ms,
                                    cancellable, confirm_basics_done, task);
}

gboolean
onemo_module_confirm_identity_finish (OnemoModule *self, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
