/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A module's identity as ModemManager read it. ModemManager's broadband modem sends AT+CGMI,
 * AT+CGMM, AT+CGMR and AT+CGSN when it sets a modem up, and publishes the answers with the text
 * up to "GMI:", "GMM:", "GMR:" or "GSN:" and the quotes removed (EquipmentIdentifier: the IMEI
 * its +CGSN parser found). Reading them again with the module's own parsers gives what
 * identification over the port would: a "Revision:" prefix goes, a line with a control byte (two
 * lines taken as one answer) is refused. */
#include "onemo-module-identify.h"
#include "onemo-at-parsers.h"

#include <string.h>

static gboolean
unreadable (GError **error, const char *what, const char *value)
{
  g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL, "ModemManager's %s is \"%s\"", what,
               value != NULL ? value : "(none)");
  return FALSE;
}

/* One value: NULL (after @error) when missing, unreadable, or an unsolicited line
 * ("+CEREG: 1", "^SYSSTART") ModemManager took for the answer. */
static char *
read_value (const char *value, gboolean (*parse) (const char *, char **, GError **),
            const char *what, GError **error)
{
  char *out = NULL;

  if (value == NULL || value[0] == '+' || value[0] == '^' || !parse (value, &out, NULL)) {
    unreadable (error, what, value);
    return NULL;
  }
  return out;
}

/* Whether @model (AT+CGMM's answer: the series, maybe with a suffix, "ML307R-DC") is
 * @sub_model's series, or with @sub_model NULL any series of the table. */
static gboolean
names_series (const char *model, const OnemoModel *sub_model)
{
  for (const OnemoModel *m = onemo_model_table (); m->sub_model != NULL; m++) {
    gsize n = strlen (m->series);

    if ((sub_model == NULL || m == sub_model) && g_ascii_strncasecmp (model, m->series, n) == 0
        && (model[n] == '\0' || model[n] == '-'))
      return TRUE;
  }
  return FALSE;
}

/* The sub-model, as identification over the port chooses it; an unknown module is only final
 * when Model names no OneMO series at all (another vendor's module on a shared USB ID). */
static const OnemoModel *
choose_sub_model (OnemoModule *self, const char *model, const char *revision, GError **error)
{
  const OnemoModel *sub_model = onemo_model_from_revision (revision);

  if (sub_model != NULL) {
    if (names_series (model, sub_model))
      return sub_model;
    g_set_error (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL,
                 "ModemManager's Model \"%s\" is not the series of its Revision \"%s\"", model,
                 revision);
    return NULL;
  }
  sub_model = onemo_module_get_model_hint (self);
  if (sub_model != NULL)
    return sub_model;
  g_set_error (error, ONEMO_ERROR,
               names_series (model, NULL) ? ONEMO_ERROR_PROTOCOL : ONEMO_ERROR_NOT_SUPPORTED,
               "Unknown module: ModemManager read model \"%s\", revision \"%s\"", model, revision);
  return NULL;
}

gboolean
onemo_identify_from_modem (OnemoModule *self, const OnemoMmModemIdentity *modem, GError **error)
{
  g_autofree char *manufacturer = NULL;
  g_autofree char *model = NULL;
  g_autofree char *revision = NULL;
  g_autofree char *imei = NULL;
  const OnemoModel *sub_model;

  if ((manufacturer = read_value (modem->manufacturer, onemo_at_parse_cgmi, "Manufacturer", error))
          == NULL
      || (model = read_value (modem->model, onemo_at_parse_cgmm, "Model", error)) == NULL
      || (revision = read_value (modem->revision, onemo_at_parse_cgmr, "Revision", error)) == NULL
      || (imei = read_value (modem->equipment_identifier, onemo_at_parse_cgsn,
                             "EquipmentIdentifier", error))
             == NULL)
    return FALSE;
  sub_model = choose_sub_model (self, model, revision, error);
  if (sub_model == NULL)
    return FALSE;
  /* The test forms are the port's to answer: the model table is the word until then. */
  onemo_module_set_identity (self, manufacturer, model, sub_model, sub_model->features, revision,
                             imei);
  onemo_module_set_identity_from_mm (self, TRUE);
  return TRUE;
}
