/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-module-private.h"
#include "onemo-modem-manager.h"

#include "onemo-manager.h"
#include "onemo-module-journal.h"
#include "onemo-port-setup.h"

struct _OnemoModule {
  OnemoDBusFirmwareSkeleton parent_instance;

  char *device;
  char *physical_device; /* NULL: added by path, not discovered */
  char *tty_name;        /* the kernel's name of a discovered module's tty; NULL: added by path */
  gboolean mm_may_drive; /* udev says ModemManager may take the device */
  gboolean identity_from_mm; /* read by ModemManager, not yet over the port */
  guint baud;
  gboolean flow_control;
  gboolean check_path; /* a caller named the path: check it at every open (AddPort) */
  const OnemoModel *model_hint;
  const OnemoDaemonOptions *options;

  /* The sub-model as identified, and its features: the model table's. */
  OnemoModel model;

  /* The running operation, if any. */
  gboolean busy;
  gboolean handing_over; /* the next operation begins where the one before left the module */
  OnemoOpFlags op_flags;
  gboolean op_cancellable;
  OnemoAtPort *port;
  OnemoAtPort *released_port; /* the last operation's, until an idle closes it */
  GCancellable *cancellable;
  OnemoMmInhibition *inhibition; /* ModemManager's hold on the module, for the operation */
  char *mm_uid;                  /* the module's uid in ModemManager, from its last hold */
  guint op_serial; /* tells a late answer from ModemManager which operation it was for */

  guint64 last_reported; /* DownloadedBytes at the last "loading" signal */
};

G_DEFINE_FINAL_TYPE (OnemoModule, onemo_module, ONEMO_DBUS_TYPE_FIRMWARE_SKELETON)

enum { SIGNAL_PORT_RETURNED, SIGNAL_OPERATION_ENDED, N_SIGNALS };
static guint signals[N_SIGNALS];

OnemoModule *
onemo_module_new (const char *device, guint baud, gboolean flow_control,
                  const OnemoModel *model_hint, const OnemoDaemonOptions *options)
{
  OnemoModule *self = g_object_new (ONEMO_TYPE_MODULE, NULL);

  self->device = g_strdup (device);
  self->baud = baud;
  self->flow_control = flow_control;
  self->model_hint = model_hint;
  self->options = options;
  onemo_dbus_firmware_set_port (ONEMO_DBUS_FIRMWARE (self), device);
  return self;
}

gboolean
onemo_module_is_busy (OnemoModule *self)
{
  return self->busy;
}

const char *
onemo_module_get_device (OnemoModule *self)
{
  return self->device;
}

const OnemoModel *
onemo_module_get_model_hint (OnemoModule *self)
{
  return self->model_hint;
}

const OnemoModel *
onemo_module_get_model (OnemoModule *self)
{
  return &self->model;
}

const OnemoDaemonOptions *
onemo_module_get_options (OnemoModule *self)
{
  return self->options;
}

void
onemo_module_check_path_at_open (OnemoModule *self)
{
  self->check_path = TRUE;
}

static void close_released_port (OnemoModule *self);

/* A path a caller named is checked again at each open, and exactly the checked node opened. */
static OnemoAtPort *
open_device (OnemoModule *self, const char *device, GError **error)
{
  if (self->check_path)
    return onemo_port_open_checked (device, self->options->session_bus, self->baud,
                                    self->flow_control, error);
  return onemo_at_port_open (device, self->baud, self->flow_control, error);
}

OnemoAtPort *
onemo_module_open_port (OnemoModule *self, GError **error)
{
  close_released_port (self);
  return open_device (self, self->device, error);
}

void
onemo_module_set_identity (OnemoModule *self, const char *manufacturer, const char *model,
                           const OnemoModel *sub_model, OnemoFeatures features,
                           const char *revision, const char *imei)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);
  g_auto (GStrv) capabilities = NULL;

  self->model = *sub_model;
  self->model.features = features;
  capabilities = onemo_model_capabilities (&self->model);

  onemo_dbus_firmware_set_manufacturer (iface, manufacturer);
  onemo_dbus_firmware_set_model (iface, model);
  onemo_dbus_firmware_set_sub_model (iface, sub_model->sub_model);
  onemo_dbus_firmware_set_revision (iface, revision);
  onemo_dbus_firmware_set_imei (iface, imei);
  onemo_dbus_firmware_set_capabilities (iface, (const char *const *)capabilities);
}

/* ---- The operation guard ---- */

static void
close_released_port (OnemoModule *self)
{
  if (self->released_port != NULL)
    onemo_at_port_close (self->released_port);
  g_clear_object (&self->released_port);
}

static gboolean
release_port_idle (gpointer data)
{
  g_autoptr (OnemoModule) self = data;

  close_released_port (self);
  return G_SOURCE_REMOVE;
}

/* An operation's result may come from inside the port's own dispatch (a hang-up), so the port
 * is closed from an idle; but before any other port opens the same device, since two open
 * ports would race for the module's answers. */
static void
release_port (OnemoModule *self)
{
  if (self->port == NULL)
    return;
  close_released_port (self);
  self->released_port = g_steal_pointer (&self->port);
  g_idle_add (release_port_idle, g_object_ref (self));
}

/* One begin on its way to the start of its operation. */
typedef struct {
  OnemoModule *module;
  GDBusMethodInvocation *invocation;
  char *state;
  OnemoOpStart start;
  gpointer data;
  GDestroyNotify destroy;
} OpBegin;

static void
op_begin_free (OpBegin *begin)
{
  if (begin->destroy != NULL && begin->data != NULL)
    begin->destroy (begin->data);
  g_object_unref (begin->module);
  g_free (begin->state);
  g_free (begin);
}

/* The port is open: start. */
static void
op_begin_run (OpBegin *begin)
{
  OnemoModule *self = begin->module;
  GError *error = NULL;

  if (!(self->op_flags & ONEMO_OP_QUERY)) {
    if (!onemo_module_journal_begin (self,
                                     g_dbus_method_invocation_get_method_name (begin->invocation),
                                     begin->state, &error)) {
      onemo_module_op_return (self, begin->invocation, NULL, error);
      op_begin_free (begin);
      return;
    }
    onemo_module_op_set_state (self, begin->state);
  }
  begin->start (self, begin->invocation, g_steal_pointer (&begin->data));
  op_begin_free (begin);
}

static void
op_begin_confirmed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OpBegin *begin = user_data;
  GError *error = NULL;

  if (!onemo_module_confirm_identity_finish (begin->module, result, &error)) {
    onemo_module_op_return (begin->module, begin->invocation, NULL, error);
    op_begin_free (begin);
    return;
  }
  op_begin_run (begin);
}

/* Echo and CMEE again, the module may have rebooted since it was last spoken to (point i). */
static void
op_begin_set_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OpBegin *begin = user_data;
  g_autoptr (GError) error = NULL;

  if (!onemo_port_setup_finish (result, &error)) {
    g_prefix_error (&error, "Setting up the port: ");
    onemo_module_op_return (begin->module, begin->invocation, NULL, g_steal_pointer (&error));
    op_begin_free (begin);
    return;
  }
  op_begin_run (begin);
}

/* The module is ModemManager's no more (or never was): open the port, set it up and start. */
static void
op_begin_open (OpBegin *begin)
{
  OnemoModule *self = begin->module;
  g_autoptr (GError) error = NULL;

  if (g_cancellable_set_error_if_cancelled (self->cancellable, &error)) {
    onemo_module_op_return (self, begin->invocation, NULL, g_steal_pointer (&error));
    op_begin_free (begin);
    return;
  }
  close_released_port (self);
  self->port = onemo_module_open_port (self, &error);
  if (self->port == NULL) {
    onemo_module_op_return (self, begin->invocation, NULL, g_steal_pointer (&error));
    op_begin_free (begin);
    return;
  }
  if (self->identity_from_mm) {
    /* ModemManager's reading of the module, checked once on the port the operation holds (its
     * commands set the port up too). */
    onemo_module_confirm_identity_async (self, self->port, self->cancellable, op_begin_confirmed,
                                         begin);
    return;
  }
  onemo_port_setup_async (self->port, self->options->command_timeout_ms, self->cancellable,
                          op_begin_set_up, begin);
}

static void
op_begin_inhibited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OpBegin *begin = user_data;
  OnemoModule *self = begin->module;
  GError *error = NULL;

  self->inhibition
      = onemo_modem_manager_inhibit_finish (ONEMO_MODEM_MANAGER (source), result, &error);
  if (self->inhibition != NULL) {
    g_free (self->mm_uid);
    self->mm_uid = g_strdup (onemo_mm_inhibition_get_uid (self->inhibition));
  }
  if (error != NULL) {
    onemo_module_op_return (self, begin->invocation, NULL, error);
    op_begin_free (begin);
    return;
  }
  op_begin_open (begin);
}

void
onemo_module_op_begin (OnemoModule *self, GDBusMethodInvocation *invocation, const char *state,
                       OnemoOpFlags flags, OnemoOpStart start, gpointer data,
                       GDestroyNotify destroy)
{
  OnemoModemManager *modem_manager = self->options->modem_manager;
  OpBegin *begin;
  GError *error = NULL;

  if (self->busy) {
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_BUSY,
                                           "Another operation runs on %s", self->device);
    if (destroy != NULL && data != NULL)
      destroy (data);
    return;
  }
  /* Before ModemManager or the port is asked: a refusal leaves everything as it was. */
  if (!(flags & ONEMO_OP_QUERY)
      && !onemo_module_journal_reserve (self, g_dbus_method_invocation_get_method_name (invocation),
                                        &error)) {
    /* Handed over, the module is not as it was: the failure shows in State and LastError. */
    if (self->handing_over)
      onemo_module_op_return (self, invocation, NULL, error);
    else
      g_dbus_method_invocation_take_error (invocation, error);
    if (destroy != NULL && data != NULL)
      destroy (data);
    return;
  }
  self->busy = TRUE;
  self->op_serial++;
  self->op_flags = flags;
  self->op_cancellable = (flags & ONEMO_OP_CANCELLABLE) != 0;
  self->cancellable = g_cancellable_new ();

  begin = g_new0 (OpBegin, 1);
  begin->module = g_object_ref (self);
  begin->invocation = invocation;
  begin->state = g_strdup (state);
  begin->start = start;
  begin->data = data;
  begin->destroy = destroy;
  /* A hold handed over by the operation before is kept; without ModemManager there is none. */
  if (self->inhibition != NULL || modem_manager == NULL) {
    op_begin_open (begin);
    return;
  }
  onemo_modem_manager_inhibit_async (modem_manager, onemo_module_get_physical_device (self),
                                     onemo_dbus_firmware_get_imei (ONEMO_DBUS_FIRMWARE (self)),
                                     onemo_module_get_mm_port (self), self->mm_uid,
                                     self->cancellable, op_begin_inhibited, begin);
}

typedef struct {
  OnemoModule *module;
  guint op_serial;
} OpResume;

/* The resumed operation's hold, when ModemManager answers: kept if that operation still runs. */
static void
op_resume_inhibited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OpResume *resume = user_data;
  OnemoModule *self = resume->module;
  OnemoModemManager *modem_manager = ONEMO_MODEM_MANAGER (source);
  g_autoptr (GError) error = NULL;
  OnemoMmInhibition *inhibition
      = onemo_modem_manager_inhibit_finish (modem_manager, result, &error);

  if (error != NULL)
    g_message ("%s: followed without holding it in ModemManager: %s", self->device, error->message);
  if (inhibition != NULL && self->busy && self->op_serial == resume->op_serial
      && self->inhibition == NULL) {
    self->inhibition = inhibition;
    g_free (self->mm_uid);
    self->mm_uid = g_strdup (onemo_mm_inhibition_get_uid (inhibition));
  } else if (inhibition != NULL) {
    onemo_modem_manager_uninhibit (modem_manager, inhibition);
    g_object_unref (inhibition);
  }
  g_object_unref (self);
  g_free (resume);
}

void
onemo_module_op_resume (OnemoModule *self, const char *state)
{
  OnemoModemManager *modem_manager = self->options->modem_manager;
  OpResume *resume;

  g_return_if_fail (!self->busy);
  self->busy = TRUE;
  self->op_serial++;
  self->op_flags = ONEMO_OP_NONE;
  self->op_cancellable = FALSE;
  self->cancellable = g_cancellable_new ();
  onemo_module_op_set_state (self, state);
  if (modem_manager == NULL)
    return;
  /* ModemManager took the module back when the daemon before died. The upgrade runs on and its
   * reports must be read, so the following does not wait for the hold: it comes when it comes. */
  resume = g_new0 (OpResume, 1);
  resume->module = g_object_ref (self);
  resume->op_serial = self->op_serial;
  onemo_modem_manager_inhibit_async (modem_manager, onemo_module_get_physical_device (self),
                                     onemo_dbus_firmware_get_imei (ONEMO_DBUS_FIRMWARE (self)),
                                     onemo_module_get_mm_port (self), self->mm_uid,
                                     self->cancellable, op_resume_inhibited, resume);
}

void
onemo_module_op_bind (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  g_object_set_data_full (G_OBJECT (invocation), "onemo-module", g_object_ref (self),
                          g_object_unref);
}

OnemoModule *
onemo_module_op_bound (GDBusMethodInvocation *invocation)
{
  return g_object_get_data (G_OBJECT (invocation), "onemo-module");
}

OnemoAtPort *
onemo_module_op_port (OnemoModule *self)
{
  return self->port;
}

OnemoAtPort *
onemo_module_op_reopen_port (OnemoModule *self, GError **error)
{
  return onemo_module_op_reopen_port_at (self, self->device, error);
}

OnemoAtPort *
onemo_module_op_reopen_port_at (OnemoModule *self, const char *device, GError **error)
{
  OnemoAtPort *port;

  close_released_port (self);
  port = open_device (self, device, error);
  if (port == NULL)
    return NULL;
  release_port (self);
  self->port = port;
  return port;
}

GCancellable *
onemo_module_op_cancellable (OnemoModule *self)
{
  return self->cancellable;
}

/* Hands ModemManager its module back; the operation has ended. */
static void
op_uninhibit (OnemoModule *self)
{
  if (self->inhibition == NULL)
    return;
  onemo_modem_manager_uninhibit (self->options->modem_manager, self->inhibition);
  g_clear_object (&self->inhibition);
}

void
onemo_module_op_handover (OnemoModule *self, GDBusMethodInvocation *invocation, OnemoFlowFunc next)
{
  onemo_module_journal_end (self);
  release_port (self);
  g_clear_object (&self->cancellable);
  self->busy = FALSE;
  self->handing_over = TRUE;
  next (self, invocation);
  self->handing_over = FALSE;
  /* @next refused before its begin: nothing holds the module any more. */
  if (!self->busy)
    op_uninhibit (self);
}

void
onemo_module_op_set_cancellable (OnemoModule *self, gboolean cancellable)
{
  self->op_cancellable = cancellable;
}

/* Sends the property changes made so far at once: the skeleton would otherwise merge States
 * that follow each other within one main-loop pass, and a client would miss a step or see it
 * after the progress signal or the method reply that belongs to it. */
static void
announce_properties (OnemoModule *self)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self));
}

void
onemo_module_op_set_state (OnemoModule *self, const char *state)
{
  onemo_dbus_firmware_set_state (ONEMO_DBUS_FIRMWARE (self), state);
  announce_properties (self);
  onemo_module_journal_phase (self, state);
}

void
onemo_module_op_return (OnemoModule *self, GDBusMethodInvocation *invocation, GVariant *value,
                        GError *error)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);
  gboolean query = self->busy && (self->op_flags & ONEMO_OP_QUERY);
  const char *method
      = invocation != NULL ? g_dbus_method_invocation_get_method_name (invocation) : "Following";

  onemo_module_journal_end (self);
  release_port (self);
  g_clear_object (&self->cancellable);
  self->busy = FALSE;
  op_uninhibit (self);
  g_signal_emit (self, signals[SIGNAL_OPERATION_ENDED], 0);

  if (error != NULL) {
    g_autofree char *name = NULL;

    onemo_error_normalize (&error);
    name = g_dbus_error_encode_gerror (error);
    if (!query) {
      g_autofree char *last = g_strdup_printf ("%s: %s", name, error->message);
      onemo_dbus_firmware_set_state (iface, "failed");
      onemo_dbus_firmware_set_last_error (iface, last);
      announce_properties (self);
    }
    g_debug ("%s: %s: %s", self->device, method, error->message);
    if (invocation != NULL) {
      g_dbus_method_invocation_take_error (invocation, error);
    } else {
      g_warning ("%s: the operation the daemon followed after its restart failed: %s", self->device,
                 error->message);
      g_error_free (error);
    }
    if (value != NULL)
      g_variant_unref (g_variant_ref_sink (value));
    return;
  }
  if (!query) {
    onemo_dbus_firmware_set_state (iface, "finished");
    onemo_dbus_firmware_set_last_error (iface, "");
    announce_properties (self);
  }
  if (invocation != NULL)
    g_dbus_method_invocation_return_value (invocation, value);
  else
    g_message ("%s: the operation the daemon followed after its restart finished", self->device);
}

void
onemo_module_report_download (OnemoModule *self, guint state, guint64 total, guint64 done)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);
  guint64 step = MIN (total / 100, 64 * 1024);

  onemo_dbus_firmware_set_download_total (iface, total);
  onemo_dbus_firmware_set_downloaded_bytes (iface, done);
  if (state == 1 && done > self->last_reported && done - self->last_reported < step && done < total)
    return;
  self->last_reported = state == 1 ? done : 0;
  onemo_dbus_firmware_emit_download_progress (iface, state, total, done);
}

/* ---- The physical device, and the port's return after a reboot ---- */

const char *
onemo_module_get_physical_device (OnemoModule *self)
{
  return self->physical_device;
}

void
onemo_module_set_physical_device (OnemoModule *self, const char *physical_device)
{
  g_free (self->physical_device);
  self->physical_device = g_strdup (physical_device);
  onemo_dbus_firmware_set_physical_device (ONEMO_DBUS_FIRMWARE (self),
                                           physical_device != NULL ? physical_device : "");
}

void
onemo_module_set_udev_tty (OnemoModule *self, const char *tty_name, gboolean mm_may_drive)
{
  char *name = g_strdup (tty_name); /* may be the one held now */

  g_free (self->tty_name);
  self->tty_name = name;
  self->mm_may_drive = mm_may_drive;
}

const char *
onemo_module_get_mm_port (OnemoModule *self)
{
  return self->tty_name != NULL ? self->tty_name : self->device;
}

gboolean
onemo_module_get_mm_may_drive (OnemoModule *self)
{
  return self->mm_may_drive;
}

void
onemo_module_set_identity_from_mm (OnemoModule *self, gboolean from_mm)
{
  self->identity_from_mm = from_mm;
}

void
onemo_module_set_device (OnemoModule *self, const char *device)
{
  if (g_strcmp0 (device, self->device) == 0)
    return;
  g_free (self->device);
  self->device = g_strdup (device);
  onemo_dbus_firmware_set_port (ONEMO_DBUS_FIRMWARE (self), device);
  announce_properties (self);
}

void
onemo_module_port_returned (OnemoModule *self, const char *device)
{
  g_signal_emit (self, signals[SIGNAL_PORT_RETURNED], 0, device);
}

/* ---- Cancel() ---- */

void
onemo_module_op_cancel (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  if (self->busy && !self->op_cancellable) {
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_BUSY,
                                           "The running operation cannot be cancelled");
    return;
  }
  /* Nothing running is not an error: the operation may have ended just now. */
  if (self->busy)
    g_cancellable_cancel (self->cancellable);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
onemo_module_finalize (GObject *object)
{
  OnemoModule *self = ONEMO_MODULE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->port != NULL)
    onemo_at_port_close (self->port);
  g_clear_object (&self->port);
  close_released_port (self);
  g_clear_object (&self->cancellable);
  op_uninhibit (self);
  g_free (self->mm_uid);
  g_free (self->device);
  g_free (self->physical_device);
  g_free (self->tty_name);
  G_OBJECT_CLASS (onemo_module_parent_class)->finalize (object);
}

/* The generated skeleton's properties, with the method table's one handler
 * (onemo-module-methods.c) instead of a signal per method. */
static GDBusInterfaceVTable *
onemo_module_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  GDBusInterfaceSkeletonClass *parent = G_DBUS_INTERFACE_SKELETON_CLASS (onemo_module_parent_class);

  return onemo_module_methods_vtable (parent->get_vtable (skeleton));
}

static void
onemo_module_class_init (OnemoModuleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = onemo_module_finalize;
  G_DBUS_INTERFACE_SKELETON_CLASS (klass)->get_vtable = onemo_module_get_vtable;
  signals[SIGNAL_PORT_RETURNED]
      = g_signal_new ("port-returned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_OPERATION_ENDED]
      = g_signal_new ("operation-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 0);
}

static void
onemo_module_init (OnemoModule *self)
{
  OnemoDBusFirmware *iface = ONEMO_DBUS_FIRMWARE (self);

  onemo_dbus_firmware_set_state (iface, "idle");
  onemo_dbus_firmware_set_last_error (iface, "");
  onemo_dbus_firmware_set_physical_device (iface, "");
}
