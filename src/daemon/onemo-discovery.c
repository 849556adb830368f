/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "onemo-discovery.h"

#include "onemo-device-monitor.h"
#include "onemo-identify-retry.h"
#include "onemo-module.h"

/* One tty the monitor reported, while it is known. */
typedef struct {
  OnemoDiscovery *discovery; /* the owner */
  char *sysfs_path;          /* the tty now: after a reboot, the one that came back */
  char *key;                 /* held in the manager */
  char *physical;
  const OnemoUsbId *usb_id;
  OnemoModule *module;
  GCancellable *identifying;
  char *object_path;              /* NULL: not exported (not a OneMO module) */
  gboolean away;                  /* unplugged while an operation ran */
  OnemoDeviceCandidate *returned; /* the port handed to the module, until it ends */
  gulong ended_id;
} Entry;

struct _OnemoDiscovery {
  GObject parent_instance;

  OnemoManager *manager;
  const OnemoDaemonOptions *options;
  OnemoDeviceMonitor *monitor;
  GPtrArray *entries;
};

G_DEFINE_FINAL_TYPE (OnemoDiscovery, onemo_discovery, G_TYPE_OBJECT)

static void candidate_added (OnemoDeviceMonitor *monitor, const OnemoDeviceCandidate *candidate,
                             gpointer user_data);

static void
entry_free (Entry *entry)
{
  if (entry->identifying != NULL)
    g_cancellable_cancel (entry->identifying);
  g_clear_object (&entry->identifying);
  if (entry->module != NULL)
    g_clear_signal_handler (&entry->ended_id, entry->module);
  g_clear_object (&entry->module);
  g_free (entry->sysfs_path);
  g_free (entry->key);
  g_free (entry->physical);
  g_free (entry->object_path);
  onemo_device_candidate_free (entry->returned);
  g_free (entry);
}

static OnemoDeviceCandidate *
candidate_copy (const OnemoDeviceCandidate *candidate)
{
  OnemoDeviceCandidate *copy = g_memdup2 (candidate, sizeof *candidate);

  copy->sysfs_path = g_strdup (candidate->sysfs_path);
  copy->device = g_strdup (candidate->device);
  copy->physical = g_strdup (candidate->physical);
  return copy;
}

/* Whether a new port of @entry's physical device belongs to its module: the module is away,
 * or still busy on its old port, whose removal or hang-up may come after the new port's add. */
static gboolean
awaits_port (Entry *entry)
{
  return entry->away || (entry->object_path != NULL && onemo_module_is_busy (entry->module));
}

static Entry *
find_entry (OnemoDiscovery *self, const char *sysfs_path, const char *away_physical,
            OnemoModule *module)
{
  for (guint i = 0; i < self->entries->len; i++) {
    Entry *entry = g_ptr_array_index (self->entries, i);

    if ((sysfs_path != NULL && g_strcmp0 (entry->sysfs_path, sysfs_path) == 0)
        || (away_physical != NULL && awaits_port (entry)
            && g_str_equal (entry->physical, away_physical))
        || (module != NULL && entry->module == module))
      return entry;
  }
  return NULL;
}

static void
set_udev_tty (OnemoModule *module, const OnemoDeviceCandidate *candidate)
{
  g_autofree char *name = g_path_get_basename (candidate->sysfs_path);

  onemo_module_set_udev_tty (module, name, candidate->mm_may_drive);
}

/* Drops @entry: its object goes, its device is free again. */
static void
forget (OnemoDiscovery *self, Entry *entry)
{
  if (entry->object_path != NULL) {
    g_message ("%s: unplugged, %s goes", entry->sysfs_path, entry->object_path);
    onemo_manager_withdraw_module (self->manager, entry->object_path);
  }
  if (entry->key != NULL)
    onemo_manager_release_device (self->manager, entry->key);
  g_ptr_array_remove (self->entries, entry);
}

/* The key AddPort() holds for the same device, its path with symlinks resolved: udev's node is
 * that already. (Not realpath (): umockdev's wrapper of it breaks the tests' stack.) */
static char *
device_key (const char *device)
{
  return g_strdup (device);
}

typedef struct {
  OnemoDiscovery *self;
  OnemoModule *module;
} OperationEnded;

static void
operation_ended_free (OperationEnded *ended)
{
  g_object_unref (ended->self);
  g_object_unref (ended->module);
  g_free (ended);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OperationEnded, operation_ended_free)

/* An operation ended on a module that was unplugged meanwhile, or whose port came back;
 * looked at from an idle, once the operation's port is closed and its reply sent. */
static gboolean
operation_ended_idle (gpointer user_data)
{
  g_autoptr (OperationEnded) ended = user_data;
  OnemoDiscovery *self = ended->self;
  OnemoModule *module = ended->module;
  Entry *entry = find_entry (self, NULL, NULL, module);
  g_autoptr (OnemoDeviceCandidate) returned = NULL;

  if (entry == NULL || self->monitor == NULL || onemo_module_is_busy (module))
    return G_SOURCE_REMOVE;
  returned = g_steal_pointer (&entry->returned);
  if (returned != NULL && g_strcmp0 (onemo_module_get_device (module), returned->device) != 0) {
    /* The module did not take the port as its own: another module is there now. */
    forget (self, entry);
    candidate_added (self->monitor, returned, self);
  } else if (entry->away) {
    forget (self, entry);
  } else if (returned != NULL) {
    /* Back under a new name: hold that one now, and find ModemManager's modem by it. */
    set_udev_tty (module, returned);
    onemo_manager_release_device (self->manager, entry->key);
    g_free (entry->key);
    entry->key = device_key (returned->device);
    onemo_manager_hold_device (self->manager, entry->key);
  }
  return G_SOURCE_REMOVE;
}

static void
operation_ended (OnemoModule *module, gpointer user_data)
{
  OperationEnded *ended = g_new0 (OperationEnded, 1);

  ended->self = g_object_ref (user_data);
  ended->module = g_object_ref (module);
  g_idle_add (operation_ended_idle, ended);
}

/* Left alone: it stays known, so that a change event does not probe it again. */
static void
leave_alone (Entry *entry, const GError *error, guint attempts)
{
  if (onemo_identify_error_may_pass (error))
    g_warning ("%s: not claimed, no answer after %u attempts: %s",
               onemo_module_get_device (entry->module), attempts, error->message);
  else
    g_debug ("%s: not claimed: %s", onemo_module_get_device (entry->module), error->message);
  onemo_manager_release_device (entry->discovery->manager, entry->key);
  g_clear_pointer (&entry->key, g_free);
  g_clear_object (&entry->module);
}

static void
identified (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoDiscovery) self = user_data;
  OnemoModule *module = ONEMO_MODULE (source);
  Entry *entry = find_entry (self, NULL, NULL, module);
  g_autoptr (GError) error = NULL;
  guint attempts;
  gboolean ok = onemo_identify_retry_finish (module, result, &attempts, &error);
  const char *model;

  if (entry == NULL) /* unplugged meanwhile */
    return;
  g_clear_object (&entry->identifying);
  model = onemo_dbus_firmware_get_model (ONEMO_DBUS_FIRMWARE (module));
  if (ok && entry->usb_id != NULL && entry->usb_id->shared
      && !onemo_usb_id_accepts_model (entry->usb_id, model)) {
    ok = FALSE;
    g_set_error (&error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED,
                 "%04x:%04x answers AT+CGMM with \"%s\", not a OneMO module",
                 entry->usb_id->vendor_id, entry->usb_id->product_id, model);
  }
  if (!ok) {
    leave_alone (entry, error, attempts);
    return;
  }
  entry->object_path = onemo_manager_publish_module (self->manager, module, entry->key);
  entry->ended_id
      = g_signal_connect (module, "operation-ended", G_CALLBACK (operation_ended), self);
}

static void
identify (Entry *entry)
{
  entry->identifying = g_cancellable_new ();
  onemo_identify_retry_async (entry->module, entry->discovery->options->identify_retry_limit_s,
                              entry->identifying, identified, g_object_ref (entry->discovery));
}

/* The physical device of a module that was unplugged during its operation is back. */
static void
hand_back (Entry *entry, const OnemoDeviceCandidate *candidate)
{
  g_debug ("%s: %s is back at %s", entry->object_path, entry->physical, candidate->device);
  g_free (entry->sysfs_path);
  entry->sysfs_path = g_strdup (candidate->sysfs_path);
  entry->away = FALSE;
  onemo_device_candidate_free (entry->returned);
  entry->returned = candidate_copy (candidate);
  onemo_module_port_returned (entry->module, candidate->device);
}

static void
candidate_added (OnemoDeviceMonitor *monitor, const OnemoDeviceCandidate *candidate,
                 gpointer user_data)
{
  OnemoDiscovery *self = user_data;
  Entry *entry;
  g_autofree char *key = NULL;

  if (find_entry (self, candidate->sysfs_path, NULL, NULL) != NULL)
    return;
  entry = find_entry (self, NULL, candidate->physical, NULL);
  if (entry != NULL) {
    hand_back (entry, candidate);
    return;
  }
  key = device_key (candidate->device);
  if (!onemo_manager_hold_device (self->manager, key)) {
    g_debug ("%s: already a module", candidate->device);
    return;
  }
  entry = g_new0 (Entry, 1);
  entry->sysfs_path = g_strdup (candidate->sysfs_path);
  entry->key = g_steal_pointer (&key);
  entry->physical = g_strdup (candidate->physical);
  entry->usb_id = candidate->usb_id;
  entry->module = onemo_module_new (candidate->device, candidate->settings.baud,
                                    candidate->settings.flow_control, candidate->settings.model,
                                    self->options);
  onemo_module_set_physical_device (entry->module, candidate->physical);
  set_udev_tty (entry->module, candidate);
  entry->discovery = self;
  g_ptr_array_add (self->entries, entry);
  identify (entry);
}

static void
candidate_removed (OnemoDeviceMonitor *monitor, const char *sysfs_path, gpointer user_data)
{
  OnemoDiscovery *self = user_data;
  Entry *entry = find_entry (self, sysfs_path, NULL, NULL);

  if (entry == NULL)
    return;
  if (entry->object_path != NULL && onemo_module_is_busy (entry->module)) {
    /* An upgrade follows the reboot; any other operation fails on the hang-up, and the object
     * goes when it has (operation_ended_idle). */
    g_debug ("%s: unplugged during an operation", entry->object_path);
    entry->away = TRUE;
    return;
  }
  forget (self, entry);
}

OnemoDiscovery *
onemo_discovery_new (OnemoManager *manager, const OnemoDaemonOptions *options)
{
  OnemoDiscovery *self = g_object_new (ONEMO_TYPE_DISCOVERY, NULL);

  self->manager = g_object_ref (manager);
  self->options = options;
  self->monitor = onemo_device_monitor_new ();
  g_signal_connect (self->monitor, "added", G_CALLBACK (candidate_added), self);
  g_signal_connect (self->monitor, "removed", G_CALLBACK (candidate_removed), self);
  onemo_device_monitor_enumerate (self->monitor);
  return self;
}

static void
onemo_discovery_dispose (GObject *object)
{
  OnemoDiscovery *self = ONEMO_DISCOVERY (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_ptr_array_set_size (self->entries, 0);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (onemo_discovery_parent_class)->dispose (object);
}

static void
onemo_discovery_finalize (GObject *object)
{
  OnemoDiscovery *self = ONEMO_DISCOVERY (object);

  g_ptr_array_unref (self->entries);
  G_OBJECT_CLASS (onemo_discovery_parent_class)->finalize (object);
}

static void
onemo_discovery_class_init (OnemoDiscoveryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = onemo_discovery_dispose;
  G_OBJECT_CLASS (klass)->finalize = onemo_discovery_finalize;
}

static void
onemo_discovery_init (OnemoDiscovery *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
}
