/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Final result codes: which lines end a command, and which error each one becomes. */
#include "onemo-at-result.h"
#include "onemo-error.h"

#include <string.h>

typedef struct {
  const char *line;
  OnemoAtResult result;
  OnemoError code; /* for ONEMO_AT_RESULT_ERROR */
} ResultCase;

static const ResultCase cases[] = {
  { "OK", ONEMO_AT_RESULT_OK, 0 },
  { "Ok", ONEMO_AT_RESULT_OK, 0 }, /* the manual's examples */
  { " OK ", ONEMO_AT_RESULT_OK, 0 },
  { "ERROR", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_MODULE },
  { "+CME ERROR: 850", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_UNKNOWN },
  { "+CME ERROR: 851", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_CONFIG },
  { "+CME ERROR: 852", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_URL_TYPE },
  { "+CME ERROR: 853", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_WRITE },
  { "+CME ERROR: 854", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_UPGRADE },
  { "+CME ERROR: 855", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_DOWNLOAD },
  { "+CME ERROR: 856", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_RETRIES_EXCEEDED },
  { "+CME ERROR: 857", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_NO_NETWORK },
  { "+CME ERROR:854", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_UPGRADE },
  { "+CME ERROR: unknown error", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_UNKNOWN },
  { "+CME ERROR: configuration error", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_CONFIG },
  { "+CME ERROR: URL type error", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_URL_TYPE },
  { "+CME ERROR: package write error", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_WRITE },
  { "+CME ERROR: firmware upgrade error", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_UPGRADE },
  { "+CME ERROR: Firmware Upgrade Error", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_UPGRADE },
  { "+CME ERROR: package download failed", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_DOWNLOAD },
  { "+CME ERROR: maximum error retries exceeded", ONEMO_AT_RESULT_ERROR,
    ONEMO_ERROR_RETRIES_EXCEEDED },
  { "+CME ERROR: no network", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_NO_NETWORK },
  { "+CME ERROR: 10", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_MODULE },
  { "+CME ERROR: SIM not inserted", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_MODULE },
  { "+CME ERROR", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_MODULE },
  { "+CMS ERROR: 500", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_MODULE },
  { "+CMS ERROR: 853", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_WRITE },
  { "+CIS ERROR: 855", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_DOWNLOAD },
  { "+CIS ERROR: no network", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_NO_NETWORK },
  { "+CIS ERROR: 601", ONEMO_AT_RESULT_ERROR, ONEMO_ERROR_MODULE },
  /* Not final. */
  { "", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "OKAY", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "O", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "ERRORS", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "+CME ERRORS: 1", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "+MFWDLOAD: 3,49630,0", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "+MFWUPGRADE: 3", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "+MATREADY", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "CMCC", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "AT+MFWCHECK=0", ONEMO_AT_RESULT_NOT_FINAL, 0 },
  { "> ", ONEMO_AT_RESULT_NOT_FINAL, 0 },
};

static void
test_classify (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    const ResultCase *c = &cases[i];
    g_autoptr (GError) error = NULL;
    OnemoAtResult result = onemo_at_result_classify (c->line, &error);

    if (result != c->result)
      g_error ("\"%s\": got result %d, expected %d", c->line, result, c->result);
    if (c->result == ONEMO_AT_RESULT_ERROR) {
      g_assert_nonnull (error);
      if (!g_error_matches (error, ONEMO_ERROR, c->code))
        g_error ("\"%s\": got %s, expected %s", c->line,
                 onemo_error_code_to_name ((OnemoError)error->code),
                 onemo_error_code_to_name (c->code));
      /* The module's words stay in the message, for the user. */
      {
        g_autofree char *words = g_strstrip (g_strdup (c->line));
        g_assert_nonnull (strstr (error->message, words));
      }
    } else {
      g_assert_no_error (error);
    }
  }
}

/* Passing no GError location is allowed. */
static void
test_without_error (void)
{
  g_assert_cmpint (onemo_at_result_classify ("+CME ERROR: 854", NULL), ==, ONEMO_AT_RESULT_ERROR);
  g_assert_cmpint (onemo_at_result_classify ("OK", NULL), ==, ONEMO_AT_RESULT_OK);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/at/result/classify", test_classify);
  g_test_add_func ("/at/result/without-error", test_without_error);
  return g_test_run ();
}
