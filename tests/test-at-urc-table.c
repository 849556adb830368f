/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The URC table and the answer shapes, pure: which line answers which command. */
#include "onemo-at-urc-table.h"

typedef struct {
  const char *command;
  const char *line;
  gboolean answers;
} ShapeCase;

static const ShapeCase shape_cases[] = {
  /* prefixed forms take their own prefix and nothing else */
  { "AT+MFWCHECK=2", "+MFWCHECK: ABCDEF", TRUE },
  { "AT+MFWCHECK=2", "+CEREG: 1", FALSE },
  { "AT+MFWCHECK=2", "ABCDEF", FALSE },
  { "AT+MFWCFG=\"url\"", "+MFWCFG: \"url\",\"http://a\"", TRUE },
  { "at+mfwcfg=\"url\"", "+mfwcfg: \"url\",\"http://a\"", TRUE },
  { "AT+MFWCFG=?", "+MFWCFG: \"url\"", TRUE },
  { "AT+MFWCFG=?", "+CSCON: 0", FALSE },
  { "AT+MFWDLOAD?", "+MFWDLOAD: 1,100,50", TRUE },
  { "AT+CMEE?", "+CMEE: 1", TRUE },
  /* execute forms that report by URC: their own name is a report */
  { "AT+MFWDLOAD", "+MFWDLOAD: 1,100,50", FALSE },
  { "AT+MFWUPGRADE", "+MFWUPGRADE: 1,40", FALSE },
  /* bare answers: anything that does not look unsolicited */
  { "AT+CGSN", "869487060000001", TRUE },
  { "AT+CGSN", "+CGSN: 869487060000001", TRUE },
  { "AT+CGSN", "+CSCON: 0", FALSE },
  { "AT+CGMR", "Revision: ML302S-DNLM-MBRH0S00", TRUE },
  { "AT+CGMR", "^MODE: 17,8", FALSE },
  { "ATI", "CMCC", TRUE },
  { "ATI", "RDY", FALSE },
  { "ATI", "+MATREADY", FALSE },
  { "ATI", "+CPIN: READY", FALSE },
  { "ATI", "MN316-DBRS-MBRH0C00", TRUE },
  { "AT", "NORMAL POWER DOWN", FALSE },
};

static void
test_shapes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (shape_cases); i++) {
    const ShapeCase *c = &shape_cases[i];
    OnemoAtAnswerShape shape;

    onemo_at_answer_shape_init (&shape, c->command);
    if (onemo_at_answer_shape_takes (&shape, c->line) != c->answers)
      g_error ("%s: \"%s\" should %sanswer it", c->command, c->line, c->answers ? "" : "not ");
    onemo_at_answer_shape_clear (&shape);
  }
}

static void
test_known (void)
{
  g_assert_cmpstr (onemo_at_urc_known_name ("+CEREG: 5"), ==, "+CEREG");
  g_assert_cmpstr (onemo_at_urc_known_name ("+CEREG"), ==, "+CEREG");
  g_assert_cmpstr (onemo_at_urc_known_name ("RDY"), ==, "RDY");
  g_assert_cmpstr (onemo_at_urc_known_name ("+MATREADY"), ==, "+MATREADY");
  g_assert_null (onemo_at_urc_known_name ("+CEREGX: 1"));
  g_assert_null (onemo_at_urc_known_name ("RDY2"));
  g_assert_null (onemo_at_urc_known_name ("+XNEW: 1"));
  g_assert_null (onemo_at_urc_known_name (""));

  g_assert_true (onemo_at_urc_looks_unsolicited ("+XNEW: 1"));
  g_assert_true (onemo_at_urc_looks_unsolicited ("+XNEW"));
  g_assert_true (onemo_at_urc_looks_unsolicited ("^SIMST: 1"));
  g_assert_false (onemo_at_urc_looks_unsolicited ("+"));
  g_assert_false (onemo_at_urc_looks_unsolicited ("+1234"));
  g_assert_false (onemo_at_urc_looks_unsolicited ("+ 12"));
  g_assert_false (onemo_at_urc_looks_unsolicited ("869487060000001"));
  g_assert_false (onemo_at_urc_looks_unsolicited ("CMCC"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/at/urc-table/shapes", test_shapes);
  g_test_add_func ("/at/urc-table/known", test_known);
  return g_test_run ();
}
