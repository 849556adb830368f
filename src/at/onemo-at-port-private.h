/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/*
 * The AT port's insides, shared by its files: onemo-at-port.c (the object, the fd, reading and
 * routing lines, writing, the deadline), onemo-at-port-queue.c (commands from creation to
 * answer), onemo-at-port-urc.c (the URC handlers) and onemo-at-port-payload.c (transparent
 * writes, through PayloadHooks).
 * Not for any other file.
 */

#include "onemo-at-port.h"

#include "onemo-at-line-buffer.h"
#include "onemo-at-urc-table.h"

#define SETTLE_MS       300         /* quiet time after an abandoned command before the next */
#define READ_SIZE       16384       /* bytes taken from the fd per read() */
#define PAYLOAD_CHUNK   (64 * 1024) /* bytes read from a payload stream at a time */
#define PROGRESS_STRIDE (64 * 1024) /* progress at least this often (or every 1 %) */
/* After the last raw byte of a write entered by a bare OK, how long a final result may take
 * before the write counts as done without one. */
#define QUIET_AFTER_RAW_MS 2000

typedef struct _PayloadHooks PayloadHooks;

typedef enum {
  PAYLOAD_NONE,      /* a plain command */
  PAYLOAD_PROMPT,    /* the command is out; waiting for `>` */
  PAYLOAD_STREAMING, /* raw bytes going out */
  PAYLOAD_SENT,      /* every byte is out; waiting for the final result */
} PayloadStage;

typedef struct {
  gint ref_count;    /* the port's, and a pending payload read's */
  OnemoAtPort *port; /* NULL once the port let go of it */
  GTask *task; /* NULL once the caller has its answer (the command may still be on the wire) */
  /* A cancelled payload's answer, given when the command leaves the wire (padding out, the
   * module's answer read or waited for): a caller closing the port then cuts nothing short. */
  GTask *held_task;
  GError *held_error;
  char *text;
  GString *wire;             /* text + CR */
  OnemoAtAnswerShape answer; /* which lines answer it; the others are unsolicited */
  OnemoAtCommandFlags flags;
  guint timeout_ms;
  GCancellable *cancellable;
  GSource *cancel_source;
  GPtrArray *response; /* of char * */
  gsize response_bytes;
  gboolean echo_seen;

  /* Transparent writes. */
  PayloadStage stage;
  GInputStream *payload;
  const PayloadHooks *payload_hooks;
  guint64 length;
  guint64 committed; /* bytes handed to the writer, payload or padding */
  guint64 written;   /* bytes on the wire */
  guint64 last_progress;
  gboolean padding; /* the rest is 0xFF: the caller gave up or the stream failed */
  /* The module answered the command with a bare OK instead of `>` (the manual's own examples):
   * it takes the bytes all the same, and may say nothing more once it has them. */
  gboolean entered_without_prompt;
  GBytes *next_chunk;
  gboolean reading;
  GCancellable *read_cancellable;
  OnemoAtPayloadProgress progress;
  gpointer progress_data;
} Command;

typedef struct {
  guint id;
  gint ref_count;
  GRegex *regex;
  OnemoAtUrcHandler handler;
  gpointer user_data;
  GDestroyNotify destroy;
} UrcHandler;

/* One source per port watches the fd and carries the one deadline that matters at a time. */
typedef struct {
  GSource source;
  OnemoAtPort *port;
  gpointer fd_tag;
} PortSource;

struct _OnemoAtPort {
  GObject parent_instance;
  char *name;
  int fd;
  GMainContext *context;
  PortSource *source;
  GIOCondition watched;
  gint64 deadline; /* monotonic µs, or -1 */
  OnemoAtLineBuffer *lines;
  guint8 read_buffer[READ_SIZE];

  GQueue queue;     /* of Command: not yet written */
  Command *current; /* the command on the wire, answered or not */

  /* What is being written: the command text, a payload chunk or padding. */
  const guint8 *out_data;
  gsize out_len;
  gsize out_pos;
  GBytes *out_bytes;
  /* A tty holds written bytes in its buffers (kilobytes: seconds at slow rates) before the line
   * carries them: deadlines after a write count from when the line will be free. */
  guint line_rate;     /* bytes a second (baud / 10); 0 when unknown (not opened as a tty) */
  gint64 line_free_at; /* monotonic µs when the bytes written so far have left, or 0 */
  gboolean flushing;   /* inside port_flush(): new pieces wait for its loop */

  GPtrArray *handlers; /* of UrcHandler, oldest first */
  guint next_handler_id;
  gboolean hangup_emitted;
};

#define port_debug(...)                                                                            \
  G_STMT_START                                                                                     \
  {                                                                                                \
    if (!g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, G_LOG_DOMAIN))                        \
      g_debug (__VA_ARGS__);                                                                       \
  }                                                                                                \
  G_STMT_END

/* What a command that carries a payload does at each stage; provided by
 * onemo-at-port-payload.c. The port calls these and knows nothing else of payloads, so the
 * payload code depends on the port and never the reverse. */
struct _PayloadHooks {
  void (*prompt) (OnemoAtPort *port, Command *cmd); /* `>` arrived */
  /* A bare OK answered the command while it waited for `>`: raw mode all the same. */
  void (*ok_instead_of_prompt) (OnemoAtPort *port, Command *cmd);
  void (*wrote) (OnemoAtPort *port, Command *cmd, gsize n); /* @n more bytes went out */
  /* The writer finished a piece: the next one, or wait for the result. */
  void (*piece_done) (OnemoAtPort *port, Command *cmd);
  /* The caller gave up mid-payload: the rest of the bytes become 0xFF. */
  void (*give_up) (OnemoAtPort *port, Command *cmd);
  /* The deadline passed; TRUE when that ends the stage normally (no final result needed). */
  gboolean (*deadline) (OnemoAtPort *port, Command *cmd);
};

/* ---- onemo-at-port.c: the fd, reading and routing lines, writing, the deadline ---- */

/* Hands @len bytes at @data (kept alive by @owner, which the port takes) to the writer. */
void onemo_at_port_set_output (OnemoAtPort *self, const guint8 *data, gsize len, GBytes *owner);
/* Drops what the writer still had to write. */
void onemo_at_port_clear_output (OnemoAtPort *self);
/* Arms the port's one deadline @ms from now; 0 disarms it. */
void onemo_at_port_set_deadline_ms (OnemoAtPort *self, guint ms);
/* Arms the deadline @ms after the line has carried every byte written so far. */
void onemo_at_port_set_deadline_after_line_ms (OnemoAtPort *self, guint ms);
/* The device went away (@why): closes the fd, fails every command, emits "hangup" once. */
void onemo_at_port_hangup (OnemoAtPort *self, const char *why);
/* Logs a received @line (escaped) followed by @note, when debug output is on. */
void onemo_at_port_log_received (OnemoAtPort *self, const char *line, const char *note);

/* ---- onemo-at-port-queue.c: commands from creation to answer ---- */

Command *onemo_at_port_command_new (OnemoAtPort *self, const char *text, OnemoAtCommandFlags flags,
                                    guint timeout_ms, GTask *task);
void onemo_at_port_command_unref (Command *cmd);
/* The port lets go of @cmd (answered): no pending read may reach the port through it. */
void onemo_at_port_command_free (Command *cmd);
/* Gives @cmd's caller its answer: @error (taken), or the response when NULL. The command itself
 * may stay on the wire. */
void onemo_at_port_command_return (Command *cmd, GError *error);
/* The command as logs may show it: a secret one never is. */
const char *onemo_at_port_command_log_text (Command *cmd);
/* Queues @cmd (the port takes it) and starts it if the wire is free. */
void onemo_at_port_enqueue (OnemoAtPort *self, Command *cmd, GCancellable *cancellable);
/* Answers the command on the wire with @error (taken) and keeps it there until it settles. */
void onemo_at_port_abandon_current (OnemoAtPort *self, GError *error);
/* Takes the command off the wire, answers it with @error (taken) or its response if NULL, and
 * starts the next one. */
void onemo_at_port_finish_current (OnemoAtPort *self, GError *error);

/* ---- onemo-at-port-urc.c: the URC handlers ---- */

void onemo_at_port_urc_handler_unref (UrcHandler *handler);
/* Hands @line to the newest handler whose pattern matches; FALSE if none does. */
gboolean onemo_at_port_dispatch_urc (OnemoAtPort *self, const char *line);
