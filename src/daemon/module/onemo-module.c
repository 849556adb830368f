/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The module: its identity, its port's path, the port an ended operation released, and the
 * operation it runs (onemo-operation.c). */
#include "onemo-module-private.h"

#include "onemo-modem-manager.h"
#include "onemo-port-check.h"
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

  OnemoOperation *operation;  /* the running one, NULL when idle */
  gboolean handing_over;      /* the next operation begins where the one before left the module */
  OnemoAtPort *released_port; /* the last operation's, until an idle closes it */
  OnemoMmInhibition *handed_inhibition; /* ModemManager's hold, between a handover's two */
  char *mm_uid;                         /* the module's uid in ModemManager, from its last hold */
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
  return self->operation != NULL;
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
onemo_module_open_port_at (OnemoModule *self, const char *device, GError **error)
{
  close_released_port (self);
  return open_device (self, device, error);
}

OnemoAtPort *
onemo_module_open_port (OnemoModule *self, GError **error)
{
  return onemo_module_open_port_at (self, self->device, error);
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

/* ---- The running operation ---- */

OnemoOperation *
onemo_module_get_operation (OnemoModule *self)
{
  return self->operation;
}

void
onemo_module_set_operation (OnemoModule *self, OnemoOperation *operation)
{
  g_set_object (&self->operation, operation);
}

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

/* Closed from an idle, but before any other port opens the same device (open_device()). */
void
onemo_module_release_port (OnemoModule *self, OnemoAtPort *port)
{
  close_released_port (self);
  self->released_port = port;
  g_idle_add (release_port_idle, g_object_ref (self));
}

void
onemo_module_keep_inhibition (OnemoModule *self, OnemoMmInhibition *inhibition)
{
  g_clear_object (&self->handed_inhibition);
  self->handed_inhibition = inhibition;
}

OnemoMmInhibition *
onemo_module_take_inhibition (OnemoModule *self)
{
  return g_steal_pointer (&self->handed_inhibition);
}

const char *
onemo_module_get_mm_uid (OnemoModule *self)
{
  return self->mm_uid;
}

void
onemo_module_set_mm_uid (OnemoModule *self, const char *uid)
{
  char *copy = g_strdup (uid);

  g_free (self->mm_uid);
  self->mm_uid = copy;
}

gboolean
onemo_module_is_handing_over (OnemoModule *self)
{
  return self->handing_over;
}

void
onemo_module_set_handing_over (OnemoModule *self, gboolean handing_over)
{
  self->handing_over = handing_over;
}

/* Sends the property changes made so far at once: the skeleton would otherwise merge States
 * that follow each other within one main-loop pass, and a client would miss a step or see it
 * after the progress signal or the method reply that belongs to it. */
void
onemo_module_announce_properties (OnemoModule *self)
{
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (self));
}

void
onemo_module_set_state (OnemoModule *self, const char *state)
{
  onemo_dbus_firmware_set_state (ONEMO_DBUS_FIRMWARE (self), state);
  onemo_module_announce_properties (self);
}

void
onemo_module_emit_operation_ended (OnemoModule *self)
{
  g_signal_emit (self, signals[SIGNAL_OPERATION_ENDED], 0);
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

gboolean
onemo_module_get_identity_from_mm (OnemoModule *self)
{
  return self->identity_from_mm;
}

void
onemo_module_set_revision (OnemoModule *self, const char *revision)
{
  onemo_dbus_firmware_set_revision (ONEMO_DBUS_FIRMWARE (self), revision);
}

void
onemo_module_set_device (OnemoModule *self, const char *device)
{
  if (g_strcmp0 (device, self->device) == 0)
    return;
  g_free (self->device);
  self->device = g_strdup (device);
  onemo_dbus_firmware_set_port (ONEMO_DBUS_FIRMWARE (self), device);
  onemo_module_announce_properties (self);
}

void
onemo_module_port_returned (OnemoModule *self, const char *device)
{
  g_signal_emit (self, signals[SIGNAL_PORT_RETURNED], 0, device);
}

/* ---- Cancel() ---- */

void
onemo_module_cancel (OnemoModule *self, GDBusMethodInvocation *invocation)
{
  /* Nothing running is not an error: the operation may have ended just now. */
  if (self->operation != NULL && !onemo_operation_cancel (self->operation)) {
    g_dbus_method_invocation_return_error (invocation, ONEMO_ERROR, ONEMO_ERROR_BUSY,
                                           "The running operation cannot be cancelled");
    return;
  }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
onemo_module_finalize (GObject *object)
{
  OnemoModule *self = ONEMO_MODULE (object);

  /* A running operation holds its module: none runs now. */
  close_released_port (self);
  if (self->handed_inhibition != NULL)
    onemo_modem_manager_uninhibit (self->options->modem_manager, self->handed_inhibition);
  g_clear_object (&self->handed_inhibition);
  g_free (self->mm_uid);
  g_free (self->device);
  g_free (self->physical_device);
  g_free (self->tty_name);
  G_OBJECT_CLASS (onemo_module_parent_class)->finalize (object);
}

/* The generated skeleton's properties, with the method table's one handler
 * (onemo-flow-methods.c, through the options) instead of a signal per method. */
static GDBusInterfaceVTable *
onemo_module_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  GDBusInterfaceSkeletonClass *parent = G_DBUS_INTERFACE_SKELETON_CLASS (onemo_module_parent_class);

  OnemoModule *self = ONEMO_MODULE (skeleton);
  static GDBusInterfaceVTable vtable;
  static gsize ready = 0;

  /* The generated properties, the method table's handler (the same for every module). */
  if (self->options->module_method_call == NULL)
    return parent->get_vtable (skeleton);
  if (g_once_init_enter (&ready)) {
    vtable = *parent->get_vtable (skeleton);
    vtable.method_call = self->options->module_method_call;
    g_once_init_leave (&ready, 1);
  }
  return &vtable;
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
