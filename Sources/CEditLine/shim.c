#define _GNU_SOURCE
#include "CEditLine.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

EditLine *ceditline_init(const char *program, FILE *in, FILE *out, FILE *err) {
    EditLine *el = el_init(program, in, out, err);
    if (el) el_set(el, EL_SIGNAL, 1);
    return el;
}
void ceditline_set_prompt(EditLine *el, const char *(*prompt)(EditLine *)) { el_set(el, EL_PROMPT, prompt); }
void ceditline_set_editor(EditLine *el, const char *mode) { el_set(el, EL_EDITOR, mode); }
History *ceditline_history_init(EditLine *el, int size) {
    HistEvent ev;
    History *h = history_init();
    if (!h) return 0;
    history(h, &ev, H_SETSIZE, size);
    history(h, &ev, H_SETUNIQUE, 1);
    el_set(el, EL_HIST, history, h);
    return h;
}
void ceditline_history_enter(History *h, const char *line) { HistEvent ev; history(h, &ev, H_ENTER, line); }
int ceditline_history_load(History *h, const char *file) { HistEvent ev; return history(h, &ev, H_LOAD, file); }
int ceditline_history_save(History *h, const char *file) { HistEvent ev; return history(h, &ev, H_SAVE, file); }
char *ceditline_history_text(History *h, size_t *length) {
    // libedit's H_SAVE_FP fchmods the stream's descriptor, so an open_memstream will not do:
    // an in-memory file (memfd) has a real descriptor and never touches a disk.
    int fd = memfd_create("bpfsh-history", MFD_CLOEXEC);
    if (fd < 0) return 0;
    FILE *stream = fdopen(fd, "w+");
    if (!stream) {
        close(fd);
        return 0;
    }
    HistEvent ev;
    char *text = 0;
    long size = -1;
    if (history(h, &ev, H_SAVE_FP, stream) >= 0 && fflush(stream) == 0) size = ftell(stream);
    if (size >= 0 && (text = malloc((size_t)size + 1)) != 0) {
        rewind(stream);
        if (fread(text, 1, (size_t)size, stream) != (size_t)size) {
            free(text);
            text = 0;
        } else {
            *length = (size_t)size;
        }
    }
    fclose(stream);
    return text;
}
void ceditline_set_complete(EditLine *el, unsigned char (*complete)(EditLine *, int)) {
    el_set(el, EL_ADDFN, "bpfsh-complete", "complete", complete);
    el_set(el, EL_BIND, "^I", "bpfsh-complete", NULL);
}
void ceditline_set_clientdata(EditLine *el, void *data) { el_set(el, EL_CLIENTDATA, data); }
void *ceditline_get_clientdata(EditLine *el) { void *d = 0; el_get(el, EL_CLIENTDATA, &d); return d; }

void ceditline_set_getc(EditLine *el, int (*getc)(EditLine *, wchar_t *)) { el_set(el, EL_GETCFN, getc); }
void ceditline_refresh(EditLine *el) { el_set(el, EL_REFRESH); }
void ceditline_source_editrc(EditLine *el) { el_source(el, NULL); }

// The line's text from its start up to `end`, as a C string truncated to `size` - 1 bytes.
static int copy_line(const LineInfo *info, const char *end, char *buffer, int size) {
    int length = (int)(end - info->buffer);
    if (length < 0) length = 0;
    if (length > size - 1) length = size - 1;
    for (int i = 0; i < length; i++) buffer[i] = info->buffer[i];
    buffer[length] = 0;
    return length;
}

int ceditline_line(EditLine *el, char *buffer, int size) {
    const LineInfo *info = el_line(el);
    return copy_line(info, info->lastchar, buffer, size);
}

int ceditline_text_before_cursor(EditLine *el, char *buffer, int size) {
    const LineInfo *info = el_line(el);
    return copy_line(info, info->cursor, buffer, size);
}
