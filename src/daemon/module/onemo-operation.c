/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One method call running on one module: how it takes the module (the journal, ModemManager,
 * the port), what it reports while it runs, and how it ends. */
#include "onemo-operation.h"

#include "onemo-modem-manager.h"
#include "onemo-module-journal.h"
#include "onemo-module-private.h"
#include "onemo-port-setup.h"

struct _OnemoOperation {
  GObject parent_instance;

  OnemoModule *module;
  GDBusMethodInvocation *invocation; /* NULL: followed after a restart */
  char *method;
  char *first_state;
  OnemoOperationFlags flags;
  gboolean cancellable; /* Cancel() may stop it now */
  gboolean ended;
  GCancellable *cancel;
  OnemoAtPort *port;
  OnemoMmInhibition *inhibition; /* ModemManager's hold on the module */
  OnemoJournalRecord *record;
  guint64 last_reported; /* DownloadedBytes at the last "loading" signal */
};

G_DEFINE_FINAL_TYPE (OnemoOperation, onemo_operation, G_TYPE_OBJECT)

static OnemoOperation *
operation_new (OnemoModule *module, GDBusMethodInvocation *invocation, OnemoOperationFlags flags)
{
  OnemoOperation *self = g_object_new (ONEMO_TYPE_OPERATION, NULL);

  self->module = g_object_ref (module);
  self->invocation = invocation;
  self->method = g_strdup (
      invocation != NULL ? g_dbus_method_invocation_get_method_name (invocation) : "Following");
  self->flags = flags;
  self->cancellable = (flags & ONEMO_OPERATION_CANCELLABLE) != 0;
  self->cancel = g_cancellable_new ();
  return self;
}

/* ---- Accessors ---- */

OnemoModule *
onemo_operation_get_module (OnemoOperation *self)
{
  return self->module;
}

const OnemoModel *
onemo_operation_get_model (OnemoOperation *self)
{
  return onemo_module_get_model (self->module);
}

const OnemoDaemonOptions *
onemo_operation_get_options (OnemoOperation *self)
{
  return onemo_module_get_options (self->module);
}

const char *
onemo_operation_get_device (OnemoOperation *self)
{
  return onemo_module_get_device (self->module);
}

OnemoAtPort *
onemo_operation_get_port (OnemoOperation *self)
{
  return self->port;
}

GCancellable *
onemo_operation_get_cancellable (OnemoOperation *self)
{
  return self->cancel;
}

void
onemo_operation_command_async (OnemoOperation *self, const char *command,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  onemo_at_port_command_async (self->port, command, 0,
                               onemo_operation_get_options (self)->command_timeout_ms, self->cancel,
                               callback, user_data);
}

const char *
onemo_operation_get_method (OnemoOperation *self)
{
  return self->method;
}

OnemoJournalRecord *
onemo_operation_get_record (OnemoOperation *self)
{
  return self->record;
}

void
onemo_operation_set_record (OnemoOperation *self, OnemoJournalRecord *record)
{
  g_clear_pointer (&self->record, onemo_journal_record_free);
  self->record = record;
}

/* ---- Taking the module ---- */

/* One begin on its way to the start of its operation. */
typedef struct {
  OnemoOperation *operation;
  OnemoOperationStart start;
  gpointer data;
  GDestroyNotify destroy;
} Begin;

static void
begin_free (Begin *begin)
{
  if (begin->destroy != NULL && begin->data != NULL)
    begin->destroy (begin->data);
  g_object_unref (begin->operation);
  g_free (begin);
}

static void
begin_fail (Begin *begin, GError *error)
{
  onemo_operation_return_error (begin->operation, error);
  begin_free (begin);
}

/* The port is open: start. */
static void
begin_run (Begin *begin)
{
  OnemoOperation *self = begin->operation;
  GError *error = NULL;

  if (!(self->flags & ONEMO_OPERATION_QUERY)) {
    if (!onemo_module_journal_begin (self->module, self->method, self->first_state, &error)) {
      begin_fail (begin, error);
      return;
    }
    onemo_operation_set_state (self, self->first_state);
  }
  begin->start (self, g_steal_pointer (&begin->data));
  begin_free (begin);
}

static void
begin_confirmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Begin *begin = user_data;
  GError *error = NULL;

  if (!onemo_module_confirm_identity_finish (ONEMO_MODULE (source), result, &error)) {
    begin_fail (begin, error);
    return;
  }
  begin_run (begin);
}

/* Echo and CMEE again, the module may have rebooted since it was last spoken to (point i). */
static void
begin_set_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Begin *begin = user_data;
  GError *error = NULL;

  if (!onemo_port_setup_finish (result, &error)) {
    g_prefix_error (&error, "Setting up the port: ");
    begin_fail (begin, error);
    return;
  }
  begin_run (begin);
}

/* The module is ModemManager's no more (or never was): open the port, set it up and start. */
static void
begin_open (Begin *begin)
{
  OnemoOperation *self = begin->operation;
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (self->cancel, &error)) {
    begin_fail (begin, error);
    return;
  }
  self->port = onemo_module_open_port (self->module, &error);
  if (self->port == NULL) {
    begin_fail (begin, error);
    return;
  }
  if (onemo_module_get_identity_from_mm (self->module)) {
    /* ModemManager's reading of the module, checked once on the port the operation holds (its
     * commands set the port up too). */
    onemo_module_confirm_identity_async (self->module, self->port, self->cancel, begin_confirmed,
                                         begin);
    return;
  }
  onemo_port_setup_async (self->port, onemo_operation_get_options (self)->command_timeout_ms,
                          self->cancel, begin_set_up, begin);
}

static void
keep_inhibition (OnemoOperation *self, OnemoMmInhibition *inhibition)
{
  self->inhibition = inhibition;
  onemo_module_set_mm_uid (self->module, onemo_mm_inhibition_get_uid (inhibition));
}

static void
begin_inhibited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Begin *begin = user_data;
  GError *error = NULL;
  OnemoMmInhibition *inhibition
      = onemo_modem_manager_inhibit_finish (ONEMO_MODEM_MANAGER (source), result, &error);

  if (inhibition != NULL)
    keep_inhibition (begin->operation, inhibition);
  if (error != NULL) {
    begin_fail (begin, error);
    return;
  }
  begin_open (begin);
}

static void
ask_modem_manager (OnemoOperation *self, GAsyncReadyCallback callback, gpointer user_data)
{
  OnemoModule *module = self->module;

  onemo_modem_manager_inhibit_async (
      onemo_operation_get_options (self)->modem_manager, onemo_module_get_physical_device (module),
      onemo_dbus_firmware_get_imei (ONEMO_DBUS_FIRMWARE (module)),
      onemo_module_get_mm_port (module), onemo_module_get_mm_uid (module), self->cancel, callback,
      user_data);
}

void
onemo_operation_begin (OnemoModule *module, GDBusMethodInvocation *invocation, const char *state,
                       OnemoOperationFlags flags, OnemoOperationStart start, gpointer data,
                       GDestroyNotify destroy)
{
  g_autoptr (OnemoOperation) self = NULL;
  Begin *begin;
  GError *error = NULL;

  if (onemo_module_is_busy (module)) {
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_BUSY,
                                           "Another operation runs on %s",
                                           onemo_module_get_device (module));
    if (destroy != NULL && data != NULL)
      destroy (data);
    return;
  }
  self = operation_new (module, invocation, flags);
  self->first_state = g_strdup (state);
  onemo_module_set_operation (module, self);
  /* Before ModemManager or the port is asked: a refusal leaves everything as it was. */
  if (!(flags & ONEMO_OPERATION_QUERY)
      && !onemo_module_journal_reserve (module, self->method, &error)) {
    /* Handed over, the module is not as it was: the failure shows in State and LastError. */
    if (onemo_module_is_handing_over (module)) {
      onemo_operation_return_error (self, error);
    } else {
      self->ended = TRUE;
      onemo_module_set_operation (module, NULL);
      g_dbus_method_invocation_take_error (invocation, error);
    }
    if (destroy != NULL && data != NULL)
      destroy (data);
    return;
  }

  begin = g_new0 (Begin, 1);
  begin->operation = g_object_ref (self);
  begin->start = start;
  begin->data = data;
  begin->destroy = destroy;
  /* A hold handed over by the operation before is kept; without ModemManager there is none. */
  self->inhibition = onemo_module_take_inhibition (module);
  if (self->inhibition != NULL || onemo_operation_get_options (self)->modem_manager == NULL) {
    begin_open (begin);
    return;
  }
  ask_modem_manager (self, begin_inhibited, begin);
}

/* The resumed operation's hold, when ModemManager answers: kept if that operation still runs. */
static void
resume_inhibited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoOperation) self = user_data;
  OnemoModemManager *modem_manager = ONEMO_MODEM_MANAGER (source);
  g_autoptr (GError) error = NULL;
  OnemoMmInhibition *inhibition
      = onemo_modem_manager_inhibit_finish (modem_manager, result, &error);

  if (error != NULL)
    g_message ("%s: followed without holding it in ModemManager: %s",
               onemo_operation_get_device (self), error->message);
  if (inhibition != NULL && !self->ended && self->inhibition == NULL) {
    keep_inhibition (self, inhibition);
  } else if (inhibition != NULL) {
    onemo_modem_manager_uninhibit (modem_manager, inhibition);
    g_object_unref (inhibition);
  }
}

OnemoOperation *
onemo_operation_resume (OnemoModule *module, const char *state)
{
  g_autoptr (OnemoOperation) self = NULL;

  g_return_val_if_fail (!onemo_module_is_busy (module), NULL);
  self = operation_new (module, NULL, ONEMO_OPERATION_NONE);
  onemo_module_set_operation (module, self);
  onemo_operation_set_state (self, state);
  /* ModemManager took the module back when the daemon before died. The upgrade runs on and its
   * reports must be read, so the following does not wait for the hold: it comes when it comes. */
  if (onemo_operation_get_options (self)->modem_manager != NULL)
    ask_modem_manager (self, resume_inhibited, g_object_ref (self));
  return self;
}

/* ---- While it runs ---- */

OnemoAtPort *
onemo_operation_reopen_port (OnemoOperation *self, GError **error)
{
  return onemo_operation_reopen_port_at (self, onemo_module_get_device (self->module), error);
}

OnemoAtPort *
onemo_operation_reopen_port_at (OnemoOperation *self, const char *device, GError **error)
{
  OnemoAtPort *port = onemo_module_open_port_at (self->module, device, error);

  if (port == NULL)
    return NULL;
  if (self->port != NULL)
    onemo_module_release_port (self->module, g_steal_pointer (&self->port));
  self->port = port;
  return port;
}

void
onemo_operation_set_cancellable (OnemoOperation *self, gboolean cancellable)
{
  self->cancellable = cancellable;
}

gboolean
onemo_operation_cancel (OnemoOperation *self)
{
  if (!self->cancellable)
    return FALSE;
  g_cancellable_cancel (self->cancel);
  return TRUE;
}

void
onemo_operation_set_state (OnemoOperation *self, const char *state)
{
  onemo_module_set_state (self->module, state);
  onemo_module_journal_phase (self->module, state);
}

void
onemo_operation_record_phase (OnemoOperation *self, const char *phase)
{
  onemo_module_journal_phase (self->module, phase);
}

void
onemo_operation_report_download (OnemoOperation *self, guint state, guint64 total, guint64 done)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self->module);
  guint64 step = MIN (total / 100, 64 * 1024);

  onemo_dbus_firmware_set_download_total (iface, total);
  onemo_dbus_firmware_set_downloaded_bytes (iface, done);
  if (state == 1 && done > self->last_reported && done - self->last_reported < step && done < total)
    return;
  self->last_reported = state == 1 ? done : 0;
  onemo_dbus_firmware_emit_download_progress (iface, state, total, done);
}

void
onemo_operation_clear_download (OnemoOperation *self)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self->module);

  onemo_dbus_firmware_set_download_total (iface, 0);
  onemo_dbus_firmware_set_downloaded_bytes (iface, 0);
}

void
onemo_operation_reset_upgrade (OnemoOperation *self)
{
  onemo_dbus_firmware_set_upgrade_percent (ONEMO_DBUS_FIRMWARE (self->module), 0);
}

void
onemo_operation_report_upgrade (OnemoOperation *self, guint state, int percent)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self->module);

  if (percent >= 0)
    onemo_dbus_firmware_set_upgrade_percent (iface, (guint)percent);
  onemo_dbus_firmware_emit_upgrade_progress (iface, state,
                                             onemo_dbus_firmware_get_upgrade_percent (iface));
}

/* ---- The end ---- */

/* Hands ModemManager its module back. */
static void
uninhibit (OnemoOperation *self)
{
  if (self->inhibition == NULL)
    return;
  onemo_modem_manager_uninhibit (onemo_operation_get_options (self)->modem_manager,
                                 self->inhibition);
  g_clear_object (&self->inhibition);
}

/* Lets go of the module, the port and the journal's record; the hold stays with the caller.
 * An operation ends once: a second end is a flow's bug, and is dropped rather than allowed to
 * overwrite the State or answer for an operation that may already be another's. */
static gboolean
let_go (OnemoOperation *self)
{
  if (self->ended) {
    g_critical ("%s: %s ended twice; the second end is dropped", onemo_operation_get_device (self),
                self->method);
    return FALSE;
  }
  self->ended = TRUE;
  onemo_module_journal_end (self->module);
  if (self->port != NULL)
    onemo_module_release_port (self->module, g_steal_pointer (&self->port));
  onemo_module_set_operation (self->module, NULL);
  return TRUE;
}

static void
set_outcome (OnemoOperation *self, const char *state, const char *last_error)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self->module);

  if (self->flags & ONEMO_OPERATION_QUERY)
    return;
  onemo_dbus_firmware_set_state (iface, state);
  onemo_dbus_firmware_set_last_error (iface, last_error);
  onemo_module_announce_properties (self->module);
}

void
onemo_operation_return_error (OnemoOperation *self, GError *error)
{
  g_autoptr (OnemoOperation) hold = g_object_ref (self);
  g_autofree char *name = NULL;
  g_autofree char *last = NULL;

  if (!let_go (self)) {
    g_error_free (error);
    return;
  }
  uninhibit (self);
  onemo_module_emit_operation_ended (self->module);

  onemo_error_normalize (&error);
  name = g_dbus_error_encode_gerror (error);
  last = g_strdup_printf ("%s: %s", name, error->message);
  set_outcome (self, "failed", last);
  g_debug ("%s: %s: %s", onemo_operation_get_device (self), self->method, error->message);
  if (self->invocation != NULL) {
    g_dbus_method_invocation_take_error (g_steal_pointer (&self->invocation), error);
  } else {
    g_warning ("%s: the operation the daemon followed after its restart failed: %s",
               onemo_operation_get_device (self), error->message);
    g_error_free (error);
  }
}

void
onemo_operation_return_value (OnemoOperation *self, GVariant *value)
{
  g_autoptr (OnemoOperation) hold = g_object_ref (self);

  if (!let_go (self)) {
    if (value != NULL)
      g_variant_unref (g_variant_ref_sink (value));
    return;
  }
  uninhibit (self);
  onemo_module_emit_operation_ended (self->module);

  set_outcome (self, "finished", "");
  if (self->invocation != NULL)
    g_dbus_method_invocation_return_value (g_steal_pointer (&self->invocation), value);
  else
    g_message ("%s: the operation the daemon followed after its restart finished",
               onemo_operation_get_device (self));
}

void
onemo_operation_return (OnemoOperation *self, GVariant *value, GError *error)
{
  if (error != NULL) {
    if (value != NULL)
      g_variant_unref (g_variant_ref_sink (value));
    onemo_operation_return_error (self, error);
    return;
  }
  onemo_operation_return_value (self, value);
}

void
onemo_operation_handover (OnemoOperation *self, OnemoOperationNext next)
{
  g_autoptr (OnemoOperation) hold = g_object_ref (self);
  OnemoModule *module = self->module;
  OnemoMmInhibition *left;

  if (!let_go (self))
    return;
  onemo_module_keep_inhibition (module, g_steal_pointer (&self->inhibition));
  onemo_module_set_handing_over (module, TRUE);
  next (module, g_steal_pointer (&self->invocation));
  onemo_module_set_handing_over (module, FALSE);
  /* @next refused before its begin: nothing holds the module any more. */
  left = onemo_module_take_inhibition (module);
  if (left != NULL) {
    onemo_modem_manager_uninhibit (onemo_module_get_options (module)->modem_manager, left);
    g_object_unref (left);
  }
}

static void
onemo_operation_finalize (GObject *object)
{
  OnemoOperation *self = ONEMO_OPERATION (object);

  /* An operation always ends before its last reference goes (the module holds it till then). */
  g_warn_if_fail (self->ended);
  g_warn_if_fail (self->port == NULL);
  uninhibit (self);
  g_clear_pointer (&self->record, onemo_journal_record_free);
  g_clear_object (&self->cancel);
  g_free (self->method);
  g_free (self->first_state);
  g_object_unref (self->module);
  G_OBJECT_CLASS (onemo_operation_parent_class)->finalize (object);
}

static void
onemo_operation_class_init (OnemoOperationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = onemo_operation_finalize;
}

static void
onemo_operation_init (OnemoOperation *self)
{
}
