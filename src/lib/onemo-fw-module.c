/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OnemoFwModule: one module object of the service, its D-Bus properties as GObject properties
 * and its two progress signals as one "progress" signal. The methods are in
 * onemo-fw-module-methods.c. */
#include "onemo-fw-module-private.h"

#include <string.h>

/**
 * OnemoFwModule:
 *
 * One module of the service: its identity and state as properties that notify when the
 * service changes them, #OnemoFwModule::progress, and a method per operation.
 * onemo_fw_module_update_async() runs the whole safe update from a local file or a URL.
 *
 * The service's errors come in the %ONEMO_FIRMWARE_ERROR domain. Cancelling a long
 * operation's #GCancellable (update, download, write, fetch) asks the service to stop it,
 * and the call ends with the service's answer, %ONEMO_FIRMWARE_ERROR_CANCELLED when it
 * stopped.
 *
 * Calls allow interactive authorization: polkit may ask the user through their agent.
 */
struct _OnemoFwModule {
  GObject parent_instance;
  OnemoLibDBusFirmware *proxy;
  /* The ObjectManager routes the proxy's signals and property changes: a module outlives its
   * client. */
  GDBusObjectManager *objects;
  gint timeout_ms; /* -1: none of ours */
  gboolean allow_interaction;
};

enum { SIGNAL_PROGRESS, SIGNAL_DOWNLOAD_PROGRESS, SIGNAL_UPGRADE_PROGRESS, N_SIGNALS };

static GParamSpec *properties[_ONEMO_FW_MODULE_N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (OnemoFwModule, onemo_fw_module, G_TYPE_OBJECT)

/* The state argument of both signals: 1 going on, 2 done or success, 3 failed. */
#define PROGRESS_DONE 2

static void
on_download_progress (OnemoLibDBusFirmware *proxy, guint state, guint64 total, guint64 done,
                      OnemoFwModule *self)
{
  double fraction = -1.0;

  g_signal_emit (self, signals[SIGNAL_DOWNLOAD_PROGRESS], 0, state, total, done);
  if (state == PROGRESS_DONE)
    fraction = 1.0;
  else if (total > 0)
    fraction = MIN ((double)done / (double)total, 1.0);
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, ONEMO_FW_PHASE_LOADING, fraction);
}

static void
on_upgrade_progress (OnemoLibDBusFirmware *proxy, guint state, guint percent, OnemoFwModule *self)
{
  double fraction = state == PROGRESS_DONE ? 1.0 : MIN (percent, 100u) / 100.0;

  g_signal_emit (self, signals[SIGNAL_UPGRADE_PROGRESS], 0, state, percent);
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, ONEMO_FW_PHASE_UPGRADING, fraction);
}

static void
on_proxy_notify (GObject *proxy, GParamSpec *pspec, OnemoFwModule *self)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (self), pspec->name) != NULL)
    g_object_notify (G_OBJECT (self), pspec->name);
}

OnemoFwModule *
_onemo_fw_module_new (OnemoLibDBusFirmware *proxy, GDBusObjectManager *objects)
{
  OnemoFwModule *self = g_object_new (ONEMO_TYPE_FW_MODULE, NULL);

  self->proxy = g_object_ref (proxy);
  self->objects = g_object_ref (objects);
  g_signal_connect_object (proxy, "notify", G_CALLBACK (on_proxy_notify), self, 0);
  g_signal_connect_object (proxy, "download-progress", G_CALLBACK (on_download_progress), self, 0);
  g_signal_connect_object (proxy, "upgrade-progress", G_CALLBACK (on_upgrade_progress), self, 0);
  return self;
}

GDBusProxy *
_onemo_fw_module_get_proxy (OnemoFwModule *self)
{
  return G_DBUS_PROXY (self->proxy);
}

static void
onemo_fw_module_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  OnemoFwModule *self = ONEMO_FW_MODULE (object);

  switch (prop_id) {
    case PROP_OBJECT_PATH:
      g_value_set_string (value, onemo_fw_module_get_object_path (self));
      break;
    case PROP_CAPABILITIES:
      g_value_set_boxed (value, onemo_fw_module_get_capabilities (self));
      break;
    case PROP_DOWNLOAD_TOTAL:
      g_value_set_uint64 (value, onemo_fw_module_get_download_total (self));
      break;
    case PROP_DOWNLOADED_BYTES:
      g_value_set_uint64 (value, onemo_fw_module_get_downloaded_bytes (self));
      break;
    case PROP_UPGRADE_PERCENT:
      g_value_set_uint (value, onemo_fw_module_get_upgrade_percent (self));
      break;
    case PROP_TIMEOUT:
      g_value_set_int (value, self->timeout_ms);
      break;
    case PROP_ALLOW_INTERACTION:
      g_value_set_boolean (value, self->allow_interaction);
      break;
    default:
      /* Every other property is a string of the proxy's, under the same name. */
      if (prop_id < _ONEMO_FW_MODULE_N_PROPS && G_PARAM_SPEC_VALUE_TYPE (pspec) == G_TYPE_STRING) {
        g_autofree char *text = NULL;
        g_object_get (self->proxy, pspec->name, &text, NULL);
        g_value_set_string (value, text != NULL ? text : "");
        break;
      }
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
onemo_fw_module_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  OnemoFwModule *self = ONEMO_FW_MODULE (object);

  switch (prop_id) {
    case PROP_TIMEOUT:
      onemo_fw_module_set_timeout (self, g_value_get_int (value));
      break;
    case PROP_ALLOW_INTERACTION:
      onemo_fw_module_set_allow_interaction (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  }
}

static void
onemo_fw_module_dispose (GObject *object)
{
  OnemoFwModule *self = ONEMO_FW_MODULE (object);

  g_clear_object (&self->proxy);
  g_clear_object (&self->objects);
  G_OBJECT_CLASS (onemo_fw_module_parent_class)->dispose (object);
}

static void
onemo_fw_module_class_init (OnemoFwModuleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = onemo_fw_module_get_property;
  object_class->set_property = onemo_fw_module_set_property;
  object_class->dispose = onemo_fw_module_dispose;

  /* Remote errors of the calls map to ONEMO_FIRMWARE_ERROR once the domain is registered. */
  g_type_ensure (G_TYPE_DBUS_PROXY);
  (void)onemo_firmware_error_quark ();

  _onemo_fw_module_install_properties (properties);
  g_object_class_install_properties (object_class, _ONEMO_FW_MODULE_N_PROPS, properties);

  /**
   * OnemoFwModule::progress:
   * @module: the module
   * @phase: what is progressing
   * @fraction: from 0.0 to 1.0, or -1.0 when the total is unknown
   *
   * Each progress report of the module's running operation: the service's `DownloadProgress`
   * (bytes loaded of the total; 1.0 when the load is done) and `UpgradeProgress` (the
   * module's percentage; 1.0 when it reports success).
   */
  signals[SIGNAL_PROGRESS]
      = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, ONEMO_TYPE_FW_PHASE, G_TYPE_DOUBLE);
  /**
   * OnemoFwModule::download-progress:
   * @module: the module
   * @state: 1 going on, 2 done, 3 failed
   * @total: bytes in all, 0 when unknown
   * @done: bytes loaded so far
   *
   * The service's `DownloadProgress` as it came, for a caller that shows bytes; emitted
   * before the #OnemoFwModule::progress it also makes.
   */
  signals[SIGNAL_DOWNLOAD_PROGRESS]
      = g_signal_new ("download-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT64, G_TYPE_UINT64);
  /**
   * OnemoFwModule::upgrade-progress:
   * @module: the module
   * @state: 1 going on, 2 success, 3 failed
   * @percent: the module's percentage, 0–100
   *
   * The service's `UpgradeProgress` as it came; emitted before the #OnemoFwModule::progress
   * it also makes.
   */
  signals[SIGNAL_UPGRADE_PROGRESS]
      = g_signal_new ("upgrade-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
onemo_fw_module_init (OnemoFwModule *self)
{
  self->timeout_ms = -1;
  self->allow_interaction = TRUE;
}

/**
 * onemo_fw_module_get_object_path:
 * @module: a module
 *
 * Gets the module's object path.
 *
 * Returns: the module's D-Bus object path
 */
const char *
onemo_fw_module_get_object_path (OnemoFwModule *module)
{
  g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), NULL);
  return g_dbus_proxy_get_object_path (G_DBUS_PROXY (module->proxy));
}

/* The generated getters return NULL before the service sent a value: "" instead. */
#define STRING_GETTER(name)                                                                        \
  const char *onemo_fw_module_get_##name (OnemoFwModule *module)                                   \
  {                                                                                                \
    const char *value;                                                                             \
    g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), NULL);                                      \
    value = onemo_lib_dbus_firmware_get_##name (module->proxy);                                    \
    return value != NULL ? value : "";                                                             \
  }

/**
 * onemo_fw_module_get_manufacturer:
 * @module: a module
 *
 * Gets the module's manufacturer.
 *
 * Returns: #OnemoFwModule:manufacturer
 */
STRING_GETTER (manufacturer)
/**
 * onemo_fw_module_get_model:
 * @module: a module
 *
 * Gets the module's model.
 *
 * Returns: #OnemoFwModule:model
 */
STRING_GETTER (model)
/**
 * onemo_fw_module_get_sub_model:
 * @module: a module
 *
 * Gets the module's sub model.
 *
 * Returns: #OnemoFwModule:sub-model
 */
STRING_GETTER (sub_model)
/**
 * onemo_fw_module_get_revision:
 * @module: a module
 *
 * Gets the module's revision.
 *
 * Returns: #OnemoFwModule:revision
 */
STRING_GETTER (revision)
/**
 * onemo_fw_module_get_imei:
 * @module: a module
 *
 * Gets the module's imei.
 *
 * Returns: #OnemoFwModule:imei
 */
STRING_GETTER (imei)
/**
 * onemo_fw_module_get_port:
 * @module: a module
 *
 * Gets the module's port.
 *
 * Returns: #OnemoFwModule:port
 */
STRING_GETTER (port)
/**
 * onemo_fw_module_get_physical_device:
 * @module: a module
 *
 * Gets the module's physical device.
 *
 * Returns: #OnemoFwModule:physical-device
 */
STRING_GETTER (physical_device)
/**
 * onemo_fw_module_get_state:
 * @module: a module
 *
 * Gets the module's state.
 *
 * Returns: #OnemoFwModule:state
 */
STRING_GETTER (state)
/**
 * onemo_fw_module_get_last_error:
 * @module: a module
 *
 * Gets the module's last error.
 *
 * Returns: #OnemoFwModule:last-error
 */
STRING_GETTER (last_error)

/**
 * onemo_fw_module_get_capabilities:
 * @module: a module
 *
 * Gets the module's capabilities.
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): #OnemoFwModule:capabilities
 */
const char *const *
onemo_fw_module_get_capabilities (OnemoFwModule *module)
{
  g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), NULL);
  return onemo_lib_dbus_firmware_get_capabilities (module->proxy);
}

/**
 * onemo_fw_module_has_capability:
 * @module: a module
 * @capability: a capability, e.g. "erase"
 *
 * Tells whether the sub-model can do @capability.
 *
 * Returns: whether #OnemoFwModule:capabilities names @capability
 */
gboolean
onemo_fw_module_has_capability (OnemoFwModule *module, const char *capability)
{
  const char *const *capabilities;

  g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), FALSE);
  g_return_val_if_fail (capability != NULL, FALSE);
  capabilities = onemo_lib_dbus_firmware_get_capabilities (module->proxy);
  return capabilities != NULL && g_strv_contains (capabilities, capability);
}

/**
 * onemo_fw_module_get_download_total:
 * @module: a module
 *
 * Gets the module's download total.
 *
 * Returns: #OnemoFwModule:download-total
 */
guint64
onemo_fw_module_get_download_total (OnemoFwModule *module)
{
  g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), 0);
  return onemo_lib_dbus_firmware_get_download_total (module->proxy);
}

/**
 * onemo_fw_module_get_downloaded_bytes:
 * @module: a module
 *
 * Gets the module's downloaded bytes.
 *
 * Returns: #OnemoFwModule:downloaded-bytes
 */
guint64
onemo_fw_module_get_downloaded_bytes (OnemoFwModule *module)
{
  g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), 0);
  return onemo_lib_dbus_firmware_get_downloaded_bytes (module->proxy);
}

/**
 * onemo_fw_module_get_upgrade_percent:
 * @module: a module
 *
 * Gets the module's upgrade percent.
 *
 * Returns: #OnemoFwModule:upgrade-percent
 */
guint
onemo_fw_module_get_upgrade_percent (OnemoFwModule *module)
{
  g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), 0);
  return onemo_lib_dbus_firmware_get_upgrade_percent (module->proxy);
}

/**
 * onemo_fw_module_get_timeout:
 * @module: a module
 *
 * Gets how long the module's calls wait for the service.
 *
 * Returns: #OnemoFwModule:timeout, in milliseconds, or -1
 */
gint
onemo_fw_module_get_timeout (OnemoFwModule *module)
{
  g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), -1);
  return module->timeout_ms;
}

/**
 * onemo_fw_module_set_timeout:
 * @module: a module
 * @timeout_ms: milliseconds, or -1 to wait as long as the service takes
 *
 * Sets #OnemoFwModule:timeout for the calls started from now on.
 */
void
onemo_fw_module_set_timeout (OnemoFwModule *module, gint timeout_ms)
{
  g_return_if_fail (ONEMO_IS_FW_MODULE (module));
  g_return_if_fail (timeout_ms >= -1);
  if (module->timeout_ms == timeout_ms)
    return;
  module->timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (module), properties[PROP_TIMEOUT]);
}

/**
 * onemo_fw_module_get_allow_interaction:
 * @module: a module
 *
 * Gets whether polkit may ask the user to authorize the module's calls.
 *
 * Returns: #OnemoFwModule:allow-interaction
 */
gboolean
onemo_fw_module_get_allow_interaction (OnemoFwModule *module)
{
  g_return_val_if_fail (ONEMO_IS_FW_MODULE (module), TRUE);
  return module->allow_interaction;
}

/**
 * onemo_fw_module_set_allow_interaction:
 * @module: a module
 * @allow: whether polkit may ask
 *
 * Sets #OnemoFwModule:allow-interaction for the calls started from now on.
 */
void
onemo_fw_module_set_allow_interaction (OnemoFwModule *module, gboolean allow)
{
  g_return_if_fail (ONEMO_IS_FW_MODULE (module));
  allow = !!allow;
  if (module->allow_interaction == allow)
    return;
  module->allow_interaction = allow;
  g_object_notify_by_pspec (G_OBJECT (module), properties[PROP_ALLOW_INTERACTION]);
}
