/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Update()'s options, all checked against the sub-model before anything is sent: the source
 * ("fd" or "url"), the route ("via"), the credentials, and what the caller expects ("sha256",
 * "size"). */
#include "onemo-flow-update.h"
#include "onemo-at-command.h"
#include "onemo-flow-host.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define invalid onemo_set_invalid

typedef struct {
  OnemoHostOptions host;
  gboolean have_fd;
  gint32 fd_index;
  const char *url;
  const char *via;
  const char *sha256;
} RawOptions;

static void
raw_options_clear (RawOptions *raw)
{
  onemo_host_options_clear (&raw->host);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RawOptions, raw_options_clear)

static gboolean
is_sha256 (const char *text)
{
  if (strlen (text) != 64)
    return FALSE;
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return TRUE;
}

static gboolean
take_option (OnemoUpdate *update, RawOptions *raw, const char *key, GVariant *value, GError **error)
{
  static const struct {
    const char *key;
    const char *type;
  } keys[] = { { "fd", "h" }, { "size", "t" }, { "url", "s" }, { "via", "s" }, { "sha256", "s" } };
  gboolean handled;
  guint i;

  if (onemo_host_options_take (update->module, &raw->host, key, value, &handled, error))
    return TRUE;
  if (handled)
    return FALSE;
  for (i = 0; i < G_N_ELEMENTS (keys) && !g_str_equal (key, keys[i].key); i++)
    ;
  if (i == G_N_ELEMENTS (keys))
    return invalid (error, "Unknown option \"%s\"", key);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE (keys[i].type)))
    return invalid (error, "\"%s\" must be of type %s", key, keys[i].type);
  if (g_str_equal (key, "fd")) {
    raw->have_fd = TRUE;
    raw->fd_index = g_variant_get_handle (value);
  } else if (g_str_equal (key, "size")) {
    update->have_expected_size = TRUE;
    update->expected_size = g_variant_get_uint64 (value);
  } else if (g_str_equal (key, "url")) {
    raw->url = g_variant_get_string (value, NULL);
  } else if (g_str_equal (key, "via")) {
    raw->via = g_variant_get_string (value, NULL);
  } else {
    raw->sha256 = g_variant_get_string (value, NULL);
  }
  return TRUE;
}

/* The caller's package: a readable, non-empty regular file within the cap. */
static gboolean
take_fd (OnemoUpdate *update, GUnixFDList *fd_list, gint32 index, GError **error)
{
  guint64 cap = onemo_module_get_options (update->module)->max_package;
  struct stat st;
  int access;

  if (fd_list == NULL || index < 0 || index >= g_unix_fd_list_get_length (fd_list))
    return invalid (error, "No file descriptor was passed for \"fd\"");
  update->fd = g_unix_fd_list_get (fd_list, index, error);
  if (update->fd < 0)
    return FALSE;
  if (fstat (update->fd, &st) != 0 || !S_ISREG (st.st_mode))
    return invalid (error, "The package must be a regular file");
  access = fcntl (update->fd, F_GETFL) & O_ACCMODE;
  if (access != O_RDONLY && access != O_RDWR)
    return invalid (error, "The package's file descriptor is not open for reading");
  if (st.st_size <= 0)
    return invalid (error, "The package is empty");
  if ((guint64)st.st_size > cap)
    return invalid (error,
                    "The package's %" G_GUINT64_FORMAT " bytes exceed the cap of "
                    "%" G_GUINT64_FORMAT,
                    (guint64)st.st_size, cap);
  update->size = st.st_size;
  return TRUE;
}

static gboolean
has_serial_write (const OnemoModel *model)
{
  return onemo_model_supports (model, ONEMO_FEATURE_DLOAD_HEX)
         || onemo_model_supports (model, ONEMO_FEATURE_DLOAD_TRANSPARENT);
}

static gboolean
choose_route (OnemoUpdate *update, const RawOptions *raw, GError **error)
{
  const OnemoModel *model = onemo_module_get_model (update->module);
  const char *via = raw->via;

  if (via == NULL)
    via = raw->have_fd || has_serial_write (model) ? "host" : "module";
  if (g_str_equal (via, "host")) {
    update->route = ONEMO_UPDATE_HOST;
    if (!has_serial_write (model) && onemo_model_supports (model, ONEMO_FEATURE_UPGRADE_URL)) {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED,
                   "%s downloads its package itself: give a \"url\" with \"via\" \"module\"",
                   model->sub_model);
      return FALSE;
    }
    return TRUE;
  }
  if (!g_str_equal (via, "module"))
    return invalid (error, "\"via\" must be \"host\" or \"module\"");
  if (raw->have_fd)
    return invalid (error, "An \"fd\" is written by the host: \"via\" must be \"host\"");
  if (onemo_model_supports (model, ONEMO_FEATURE_DLOAD_URL))
    update->route = ONEMO_UPDATE_MODULE;
  else if (onemo_model_supports (model, ONEMO_FEATURE_UPGRADE_URL))
    update->route = ONEMO_UPDATE_SELF;
  else
    return onemo_module_require (update->module, ONEMO_FEATURE_DLOAD_URL,
                                 "download a package by itself", error);
  return TRUE;
}

static gboolean
check_host_route (OnemoUpdate *update, RawOptions *raw, GUnixFDList *fd_list, GError **error)
{
  if (!onemo_host_options_check_write (update->module, &raw->host, 0, error))
    return FALSE;
  update->mode = raw->host.mode;
  if (raw->have_fd)
    return take_fd (update, fd_list, raw->fd_index, error);
  return onemo_fetch_validate_url (raw->url, error);
}

static gboolean
check_module_route (OnemoUpdate *update, const RawOptions *raw, GError **error)
{
  const OnemoModel *model = onemo_module_get_model (update->module);
  g_autoptr (GError) fetch_error = NULL;

  if (raw->host.have_mode)
    return invalid (error, "\"mode\" is for the host's serial writes, not \"via\" \"module\"");
  if (!onemo_flow_url_supported (update->module, raw->url, error))
    return FALSE;
  if (raw->host.user != NULL
      && !onemo_module_require (update->module, ONEMO_FEATURE_CFG_AUTH, "set a user and password",
                                error))
    return FALSE;
  if (update->route == ONEMO_UPDATE_SELF) {
    if (raw->sha256 != NULL || update->have_expected_size) {
      g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED,
                   "%s downloads and checks the package itself during the upgrade: the service "
                   "cannot check \"sha256\" or \"size\"",
                   model->sub_model);
      return FALSE;
    }
    if (raw->host.ca != NULL)
      return invalid (error, "\"ca\" is for the host's fetch; %s fetches by itself",
                      model->sub_model);
    return TRUE;
  }
  if (!onemo_model_supports (model, ONEMO_FEATURE_CHECK) || raw->sha256 != NULL) {
    if (raw->host.ca != NULL)
      return invalid (error, "\"ca\" is for the host's fetch; the module fetches by itself");
    return TRUE;
  }
  /* The module's digest is only worth something against one the host knows. */
  if (!onemo_fetch_validate_url (raw->url, &fetch_error)) {
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_NOT_VERIFIED,
                 "The host cannot fetch the url to learn the package's digest (%s): give "
                 "\"sha256\"",
                 fetch_error->message);
    return FALSE;
  }
  update->digest_fetch = TRUE;
  return TRUE;
}

gboolean
onemo_update_parse (OnemoUpdate *update, GVariant *options, GUnixFDList *fd_list, GError **error)
{
  g_auto (RawOptions) raw = { 0 };
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autoptr (GVariant) owned = value;

    if (!take_option (update, &raw, key, value, error))
      return FALSE;
  }
  if (raw.have_fd == (raw.url != NULL))
    return invalid (error, "Give exactly one of \"fd\" and \"url\"");
  if (raw.sha256 != NULL && !is_sha256 (raw.sha256))
    return invalid (error, "\"sha256\" must be 64 hexadecimal digits");
  if (!onemo_host_options_check_fetch (&raw.host, error) || !choose_route (update, &raw, error))
    return FALSE;
  if (update->route == ONEMO_UPDATE_HOST ? !check_host_route (update, &raw, fd_list, error)
                                         : !check_module_route (update, &raw, error))
    return FALSE;
  update->url = g_strdup (raw.url);
  update->user = g_strdup (raw.host.user);
  update->password = g_strdup (raw.host.password);
  update->ca = raw.host.ca != NULL ? g_bytes_ref (raw.host.ca) : NULL;
  update->expected_sha256 = g_strdup (raw.sha256);
  return TRUE;
}
