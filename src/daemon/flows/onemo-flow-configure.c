/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Configure() and GetConfiguration(): one AT+MFWCFG per key. Every key, type and value is
 * checked before the first command, so bad input changes nothing on the module. */
#include "onemo-flows.h"
#include "onemo-at-command.h"
#include "onemo-at-parsers.h"

/* The numeric keys, in the order they are sent. */
static const struct {
  const char *key;
  OnemoFeature feature;
} number_keys[] = {
  { "timeout", ONEMO_FEATURE_CFG_TIMEOUT }, { "mode", ONEMO_FEATURE_CFG_MODE },
  { "progind", ONEMO_FEATURE_CFG_PROGIND }, { "ssl", ONEMO_FEATURE_CFG_SSL },
  { "pkgsize", ONEMO_FEATURE_CFG_PKGSIZE },
};

#define invalid onemo_set_invalid

gboolean
onemo_flow_url_supported (OnemoModule *self, const char *url, GError **error)
{
  const char *scheme;
  OnemoFeature needs;

  if (!onemo_at_string_validate ("url", url, ONEMO_AT_URL_MAX, error))
    return FALSE;
  scheme = onemo_at_url_scheme (url);
  if (scheme == NULL)
    return invalid (error, "The url must start with http://, https://, ftp://, ftps:// or file://");
  if (onemo_feature_for_url_scheme (scheme, &needs)) {
    g_autofree char *what = g_strdup_printf ("use %s:// URLs", scheme);
    return onemo_module_require (self, needs, what, error);
  }
  return invalid (error, "Unknown URL scheme");
}

static gboolean
pkgsize_supported (OnemoModule *self, guint32 value, GError **error)
{
  const OnemoModel *model = onemo_module_get_model (self);

  if (onemo_model_supports (model, ONEMO_FEATURE_CFG_PKGSIZE))
    return TRUE;
  if (onemo_model_supports (model, ONEMO_FEATURE_CFG_PKGSIZE_512)) {
    if (value == ONEMO_AT_PKGSIZE_UNIT)
      return TRUE;
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_NOT_SUPPORTED, "%s takes pkgsize 512 only",
                 model->sub_model);
    return FALSE;
  }
  return onemo_module_require (self, ONEMO_FEATURE_CFG_PKGSIZE, "set pkgsize", error);
}

static gboolean
number_valid (OnemoModule *self, guint index, GVariant *value, GError **error)
{
  const char *key = number_keys[index].key;
  g_autofree char *what = g_strdup_printf ("set %s", key);
  guint32 number;

  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return invalid (error, "\"%s\" must be of type u", key);
  number = g_variant_get_uint32 (value);
  if (!onemo_at_cfg_number_validate (key, number, error))
    return FALSE;
  if (number_keys[index].feature == ONEMO_FEATURE_CFG_PKGSIZE)
    return pkgsize_supported (self, number, error);
  return onemo_module_require (self, number_keys[index].feature, what, error);
}

static gboolean
string_option (GVariant *settings, const char *key, const char **out, GError **error)
{
  g_autoptr (GVariant) value = g_variant_lookup_value (settings, key, NULL);

  *out = NULL;
  if (value == NULL)
    return TRUE;
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return invalid (error, "\"%s\" must be of type s", key);
  /* The string lives as long as @settings. */
  *out = g_variant_get_string (value, NULL);
  return TRUE;
}

static gboolean
known_key (const char *key)
{
  if (g_str_equal (key, "url") || g_str_equal (key, "user") || g_str_equal (key, "password"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (number_keys); i++)
    if (g_str_equal (key, number_keys[i].key))
      return TRUE;
  return FALSE;
}

OnemoCommandSequence *
onemo_flow_configure_build (OnemoModule *self, GVariant *settings, GError **error)
{
  g_autoptr (OnemoCommandSequence) sequence = onemo_command_sequence_new ();
  const char *url, *user, *password;
  GVariantIter iter;
  const char *key;

  g_variant_iter_init (&iter, settings);
  while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    if (!known_key (key)) {
      invalid (error, "Unknown setting \"%s\"", key);
      return NULL;
    }
  if (g_variant_n_children (settings) == 0) {
    invalid (error, "No settings given");
    return NULL;
  }
  if (!string_option (settings, "url", &url, error)
      || !string_option (settings, "user", &user, error)
      || !string_option (settings, "password", &password, error))
    return NULL;
  if (url != NULL) {
    if (!onemo_flow_url_supported (self, url, error))
      return NULL;
    onemo_command_sequence_add (sequence, onemo_at_build_cfg_url (url), 0, FALSE);
  }
  if ((user == NULL) != (password == NULL)) {
    invalid (error, "\"user\" and \"password\" go together");
    return NULL;
  }
  if (user != NULL) {
    if (!onemo_at_string_validate ("user", user, ONEMO_AT_AUTH_MAX, error)
        || !onemo_at_string_validate ("password", password, ONEMO_AT_AUTH_MAX, error)
        || !onemo_module_require (self, ONEMO_FEATURE_CFG_AUTH, "set a user and password", error))
      return NULL;
    onemo_command_sequence_add (sequence, onemo_at_build_cfg_auth (user, password),
                                ONEMO_AT_COMMAND_FLAG_SECRET, FALSE);
  }
  for (guint i = 0; i < G_N_ELEMENTS (number_keys); i++) {
    g_autoptr (GVariant) value = g_variant_lookup_value (settings, number_keys[i].key, NULL);

    if (value == NULL)
      continue;
    if (!number_valid (self, i, value, error))
      return NULL;
    onemo_command_sequence_add (
        sequence, onemo_at_build_cfg_number (number_keys[i].key, g_variant_get_uint32 (value)), 0,
        FALSE);
  }
  return g_steal_pointer (&sequence);
}

static void
configure_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoOperation) operation = user_data;
  GError *error = NULL;
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, &error);

  onemo_operation_return (operation, NULL, error);
}

static void
run_sequence (OnemoOperation *operation, OnemoCommandSequence *sequence,
              GAsyncReadyCallback callback)
{
  onemo_command_sequence_run_async (sequence, onemo_operation_get_port (operation),
                                    onemo_operation_get_options (operation)->command_timeout_ms,
                                    onemo_operation_get_cancellable (operation), callback,
                                    g_object_ref (operation));
}

void
onemo_flow_configure_start (OnemoOperation *operation, gpointer sequence)
{
  run_sequence (operation, sequence, configure_done);
}

gboolean
onemo_flow_configure_prepare (OnemoModule *module, GDBusMethodInvocation *invocation,
                              GVariant *parameters, OnemoFlowCall *call, GError **error)
{
  g_autoptr (GVariant) settings = NULL;

  g_variant_get (parameters, "(@a{sv})", &settings);
  call->data = onemo_flow_configure_build (module, settings, error);
  call->free_data = (GDestroyNotify)onemo_command_sequence_free;
  return call->data != NULL;
}

/* ---- GetConfiguration ---- */

static void
add_answer (GVariantDict *dict, const OnemoMfwCfg *cfg)
{
  switch (cfg->key) {
    case ONEMO_CFG_URL:
      g_variant_dict_insert (dict, "url", "s", cfg->url != NULL ? cfg->url : "");
      break;
    case ONEMO_CFG_AUTH:
      /* The module echoes the password; it never leaves the daemon. */
      g_variant_dict_insert (dict, "user", "s", cfg->user != NULL ? cfg->user : "");
      g_variant_dict_insert (dict, "password-set", "b",
                             cfg->password != NULL && cfg->password[0] != '\0');
      break;
    default:
      g_variant_dict_insert (dict, onemo_cfg_key_to_string (cfg->key), "u",
                             (guint32)CLAMP (cfg->number, 0, G_MAXUINT32));
      break;
  }
}

/* Reads @key's answer into @dict; FALSE, with why in @reason, when it cannot be read. The auth
 * answer carries the password: its reason never quotes the line. */
static gboolean
read_answer (GVariantDict *dict, const char *key, GStrv lines, char **reason)
{
  OnemoCfgKey expected;
  g_autoptr (GError) error = NULL;

  if (lines == NULL) {
    *reason = g_strdup ("the module refused the query");
    return FALSE;
  }
  onemo_cfg_key_from_string (key, &expected);
  for (guint i = 0; lines[i] != NULL; i++) {
    OnemoMfwCfg cfg = { 0 };

    g_clear_error (&error);
    if (!onemo_at_parse_mfwcfg (lines[i], &cfg, &error))
      continue;
    if (cfg.key == expected) {
      add_answer (dict, &cfg);
      onemo_mfwcfg_clear (&cfg);
      return TRUE;
    }
    onemo_mfwcfg_clear (&cfg);
    g_set_error (&error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL, "the answer is for another key");
  }
  if (error == NULL)
    *reason = g_strdup ("no +MFWCFG line in the answer");
  else if (expected == ONEMO_CFG_AUTH)
    *reason = g_strdup ("the answer is malformed");
  else
    *reason = g_strdup (error->message);
  return FALSE;
}

/* One key the module answers unreadably (garbage, an error, nothing) does not spoil the others:
 * its value is left out, its name listed in "unreadable", and why is logged. */
static void
get_configuration_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (OnemoOperation) operation = user_data;
  GError *error = NULL;
  g_autoptr (GPtrArray) responses = onemo_command_sequence_run_finish (result, &error);
  g_auto (GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr (GPtrArray) unreadable = g_ptr_array_new ();
  guint i = 0;

  if (error != NULL) {
    onemo_operation_return_error (operation, error);
    return;
  }
  for (const char *const *key = onemo_model_cfg_keys (); *key != NULL; key++) {
    g_autofree char *reason = NULL;

    if (!onemo_model_supports_cfg_key (onemo_operation_get_model (operation), *key))
      continue;
    g_assert (i < responses->len);
    if (!read_answer (&dict, *key, g_ptr_array_index (responses, i++), &reason)) {
      g_message ("%s: AT+MFWCFG=\"%s\" unreadable, left out: %s",
                 onemo_operation_get_device (operation), *key, reason);
      g_ptr_array_add (unreadable, (gpointer)*key);
    }
  }
  if (unreadable->len > 0)
    g_variant_dict_insert_value (
        &dict, "unreadable",
        g_variant_new_strv ((const char *const *)unreadable->pdata, unreadable->len));
  onemo_operation_return_value (operation, g_variant_new ("(@a{sv})", g_variant_dict_end (&dict)));
}

void
onemo_flow_get_configuration_start (OnemoOperation *operation, gpointer data)
{
  const OnemoModel *model = onemo_operation_get_model (operation);
  OnemoCommandSequence *sequence = onemo_command_sequence_new ();

  for (const char *const *key = onemo_model_cfg_keys (); *key != NULL; key++)
    if (onemo_model_supports_cfg_key (model, *key))
      /* The auth answer carries the password: keep it out of every log. */
      onemo_command_sequence_add (sequence, onemo_at_build_cfg_query (*key),
                                  g_str_equal (*key, "auth") ? ONEMO_AT_COMMAND_FLAG_SECRET : 0,
                                  TRUE);
  run_sequence (operation, sequence, get_configuration_done);
}
