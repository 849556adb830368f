/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A journal record as found on disk after anything at all happened to it, fuzzed: parsing
 * either fails with ONEMO_ERROR_PROTOCOL or gives a record with every required field, whose
 * serialization parses back to the same record.
 */
#include "onemo-error.h"
#include "onemo-journal.h"
#include "fuzz-require.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OnemoJournalRecord) record
      = onemo_journal_record_parse ((const char *)data, size, &error);
  g_autoptr (OnemoJournalRecord) again = NULL;
  g_autofree char *text = NULL;
  gsize length;

  if (record == NULL) {
    require (g_error_matches (error, ONEMO_ERROR, ONEMO_ERROR_PROTOCOL));
    return 0;
  }
  require (record->port != NULL && record->sub_model != NULL && record->operation != NULL
           && record->phase != NULL && record->started >= 0);
  text = onemo_journal_record_serialize (record, &length);
  again = onemo_journal_record_parse (text, length, NULL);
  require (again != NULL);
  require (g_str_equal (again->port, record->port) && g_str_equal (again->phase, record->phase)
           && again->started == record->started);
  return 0;
}
