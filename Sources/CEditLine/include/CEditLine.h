#ifndef CEDITLINE_H
#define CEDITLINE_H
// libedit's el_set/history are variadic: each use the shell needs is wrapped here.
#include <histedit.h>
#include <stdio.h>

EditLine *ceditline_init(const char *program, FILE *in, FILE *out, FILE *err);
void ceditline_set_prompt(EditLine *el, const char *(*prompt)(EditLine *));
void ceditline_set_editor(EditLine *el, const char *mode);
History *ceditline_history_init(EditLine *el, int size);
void ceditline_history_enter(History *h, const char *line);
int ceditline_history_load(History *h, const char *file);
int ceditline_history_save(History *h, const char *file);
/// The history as libedit saves it (H_SAVE_FP), in memory (malloc'd, the caller frees); NULL on failure.
/// The shell writes it atomically itself: H_SAVE truncates the file first and loses it on a full disk.
char *ceditline_history_text(History *h, size_t *length);
void ceditline_set_complete(EditLine *el, unsigned char (*complete)(EditLine *, int));
void ceditline_set_clientdata(EditLine *el, void *data);
void *ceditline_get_clientdata(EditLine *el);
/// Installs the function libedit calls to read a character, so the shell can wait on the
/// terminal and the event ring at once.
void ceditline_set_getc(EditLine *el, int (*getc)(EditLine *, wchar_t *));
/// Redraws the prompt and the line being edited (after printing above it).
void ceditline_refresh(EditLine *el);
/// Reads ~/.editrc (bind -v there gives vi keys).
void ceditline_source_editrc(EditLine *el);
/// The text before the cursor, copied into `buffer` (NUL-terminated); returns its length.
int ceditline_text_before_cursor(EditLine *el, char *buffer, int size);
/// The whole line being edited (truncated to `size` - 1 bytes); its length.
int ceditline_line(EditLine *el, char *buffer, int size);
#endif
