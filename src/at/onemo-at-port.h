/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

G_BEGIN_DECLS

/**
 * OnemoAtPort:
 *
 * An AT channel to one module over a tty (or, for tests and ModemManager's test mode, any
 * stream fd such as a unix socket), driven by the thread-default GMainContext of the thread
 * that created it: non-blocking I/O, no busy loop, no sleep.
 *
 * - Commands wait in a queue and go on the wire one at a time, each with its own timeout and
 *   GCancellable; results come through GTask.
 * - The module's echo (on by default) is recognised and dropped.
 * - Final results (OK, ERROR, +CME/+CMS/+CIS ERROR) end a command; errors become ONEMO_ERROR
 *   codes (onemo-at-result.h).
 * - URC handlers, registered by regular expression, get every matching line whenever it comes,
 *   also between a command's echo and its final result. A line that starts with the running
 *   command's own prefix ("+MFWCFG:" for AT+MFWCFG="url") is that command's response when the
 *   command is a set, read or test form; for an execute form (AT+MFWDLOAD) it is a URC.
 * - After a command timed out or was cancelled once its bytes were on the wire, the port
 *   discards the late final result (or waits a short settle time) before sending the next one.
 * - A tty buffers written bytes (seconds' worth at slow rates): deadlines that run after the
 *   last byte of a payload count from when the line, at the port's baud rate, has carried it.
 * - A hang-up (EOF, EIO, POLLHUP, POLLERR) fails every queued command with
 *   ONEMO_ERROR_PORT_GONE, closes the fd and emits "hangup" once (a signal without arguments;
 *   onemo_at_port_close() does not emit it).
 * - An answer of more than ONEMO_AT_ANSWER_MAX_LINES information lines or
 *   ONEMO_AT_ANSWER_MAX_BYTES bytes fails its command with ONEMO_ERROR_PROTOCOL; the rest is
 *   dropped until the command settles, and the port stays usable.
 * - An over-long line (ONEMO_AT_LINE_MAX_DEFAULT) fails the running command with
 *   ONEMO_ERROR_PROTOCOL; the port stays usable.
 */
/* The most one command's answer may gather: every answer the manual knows is a few lines. */
#define ONEMO_AT_ANSWER_MAX_LINES 256
#define ONEMO_AT_ANSWER_MAX_BYTES (64 * 1024)

#define ONEMO_TYPE_AT_PORT (onemo_at_port_get_type ())
G_DECLARE_FINAL_TYPE (OnemoAtPort, onemo_at_port, ONEMO, AT_PORT, GObject)

typedef enum {
  ONEMO_AT_COMMAND_FLAG_NONE = 0,
  /* The command carries a secret (the auth password): neither it, its echo nor its response
   * lines are ever logged. */
  ONEMO_AT_COMMAND_FLAG_SECRET = 1 << 0,
} OnemoAtCommandFlags;

/**
 * OnemoAtUrcHandler:
 * @line: the whole line, without its ending
 * @match: the handler's regular expression matched against @line
 */
typedef void (*OnemoAtUrcHandler) (OnemoAtPort *port, const char *line, GMatchInfo *match,
                                   gpointer user_data);

/* Reports a transparent write as it goes: bytes written to the port so far, and how many in all. */
typedef void (*OnemoAtPayloadProgress) (OnemoAtPort *port, guint64 written, guint64 total,
                                        gpointer user_data);

/**
 * onemo_at_port_open:
 * @path: a tty device
 * @baud: bits per second (a termios rate from 1200 to 921600 and beyond where the system has it)
 * @rts_cts: hardware flow control
 *
 * Opens @path non-blocking, without becoming its controlling terminal, and sets it raw, 8N1,
 * at @baud. Fails with ONEMO_ERROR_INVALID_ARGUMENT when @path is not a tty or @baud is not a
 * rate termios knows, ONEMO_ERROR_PORT_GONE when it cannot be opened.
 */
OnemoAtPort *onemo_at_port_open (const char *path, guint baud, gboolean rts_cts, GError **error);

/* As onemo_at_port_open(), for the device node @path that had device number @rdev when it was
 * checked: no symbolic link is followed, and another node there is refused
 * (onemo_at_tty_open_node()). */
OnemoAtPort *onemo_at_port_open_node (const char *path, dev_t rdev, guint baud, gboolean rts_cts,
                                      GError **error);

/* Wraps an open stream fd (a socket, a pty master in tests); the port owns @fd from now on. */
OnemoAtPort *onemo_at_port_new_for_fd (int fd, const char *name);

/* The path or name given at creation, for messages. */
const char *onemo_at_port_get_name (OnemoAtPort *self);

gboolean onemo_at_port_is_open (OnemoAtPort *self);

/* Drops what a tty sent before now and nobody read, for a port just opened: a late answer to
 * an earlier opener's command must not pass for the answer to the next one. */
void onemo_at_port_discard_input (OnemoAtPort *self);

/* Fails every queued command with ONEMO_ERROR_PORT_GONE and closes the fd. Idempotent. */
void onemo_at_port_close (OnemoAtPort *self);

/**
 * onemo_at_port_command_async:
 * @command: the command without its line ending ("AT+MFWCHECK=0"); the port appends CR
 * @timeout_ms: from the moment the command is written until its final result; 0 waits for ever
 */
void onemo_at_port_command_async (OnemoAtPort *self, const char *command, OnemoAtCommandFlags flags,
                                  guint timeout_ms, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);

/* The response's information lines (neither echo nor final result nor URCs), maybe empty. */
GStrv onemo_at_port_command_finish (OnemoAtPort *self, GAsyncResult *result, GError **error);

/**
 * onemo_at_port_command_with_payload_async:
 * @command: a command that asks for raw bytes ("AT+MFWDLOAD=0,80362")
 * @payload: where the bytes come from; read in chunks, never held whole
 * @length: exactly how many bytes to send
 * @timeout_ms: for the `>` prompt, for each stall of the writer, and for the final result after
 *   the last byte has left the tty's buffers
 * @progress: (nullable): called as bytes go out, at least every 1 % or 64 KiB
 *
 * Sends @command, waits for the `>` prompt, writes exactly @length bytes from @payload as fast
 * as the port takes them, then waits for the final result. A final result instead of the prompt
 * ends the operation (an OK without a prompt is ONEMO_ERROR_PROTOCOL: the module took nothing).
 * When cancelled or when @payload fails mid-way, the port pads the remaining bytes with 0xFF so
 * that the module leaves transparent mode and the port stays usable, then reports the error:
 * only once the padding is out and the module's answer to it has been read (or @timeout_ms
 * passed without one), so that closing the port at once cuts nothing short and that answer
 * never reaches the next command. A timeout is reported at once (the port still pads).
 */
void onemo_at_port_command_with_payload_async (OnemoAtPort *self, const char *command,
                                               GInputStream *payload, guint64 length,
                                               guint timeout_ms, OnemoAtPayloadProgress progress,
                                               gpointer progress_data, GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);

gboolean onemo_at_port_command_with_payload_finish (OnemoAtPort *self, GAsyncResult *result,
                                                    GError **error);

/**
 * onemo_at_port_add_urc_handler:
 * @pattern: a regular expression matched against whole lines ("^\\+MFWDLOAD:")
 *
 * Handlers added later are tried first; the first match wins. Returns an id for
 * onemo_at_port_remove_urc_handler(). An invalid @pattern is a programming error.
 */
guint onemo_at_port_add_urc_handler (OnemoAtPort *self, const char *pattern,
                                     OnemoAtUrcHandler handler, gpointer user_data,
                                     GDestroyNotify destroy);

void onemo_at_port_remove_urc_handler (OnemoAtPort *self, guint handler_id);

G_END_DECLS
