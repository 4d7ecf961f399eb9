#include "CBPF.h"
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Closing a perf-event BPF link makes the closing process wait in the kernel
// (perf_event_detach_bpf_prog -> synchronize_rcu_tasks_trace, ~20 ms on 6.18), and the last
// close of a tracepoint's perf event waits again (tracepoint_synchronize_unregister). The
// program stops running before either wait: the kernel swaps it out of the tracepoint's
// program array first. So a process about to exit hands its links to a child, which does the
// waiting, and only waits itself until the swap is visible (cbpf_perf_event_runs_program).
//
// Only async-signal-safe calls after fork: the parent has threads.

// The smallest descriptor of the three lists at or above `low`, or -1.
static int next_kept(int low, const int *a, int na, const int *b, int nb, int extra) {
    int next = extra >= low ? extra : -1;
    for (int i = 0; i < na; i++)
        if (a[i] >= low && (next < 0 || a[i] < next)) next = a[i];
    for (int i = 0; i < nb; i++)
        if (b[i] >= low && (next < 0 || b[i] < next)) next = b[i];
    return next;
}

// Closes every descriptor but those kept (stdout above all: a reader waits for its end), in
// the gaps between them.
static void close_all_except(const int *a, int na, const int *b, int nb, int extra) {
    int low = 0;
    for (;;) {
        int next = next_kept(low, a, na, b, nb, extra);
        if (next < 0 || next > low) {
            unsigned int last = next < 0 ? ~0U : (unsigned int)next - 1;
            if (syscall(SYS_close_range, (unsigned int)low, last, 0) != 0) {
                int top = next < 0 ? 65536 : next;
                for (int fd = low; fd < top; fd++) close(fd);
            }
        }
        if (next < 0) break;
        low = next + 1;
    }
}

// Each link's last reference ends up in one of up to this many workers, so their waits
// overlap (360 syscall tracepoints closed one after another would take seconds).
enum { max_workers = 32 };

static void close_each(const int *fds, int count) {
    for (int i = 0; i < count; i++) close(fds[i]);
}

// Waits for the end of a pipe: every writer has closed it.
static void wait_for_close(int fd) {
    char byte;
    for (;;) {
        ssize_t n = read(fd, &byte, 1);
        if (n > 0 || (n < 0 && errno == EINTR)) continue;
        break;
    }
}

static void release(const int *links, int link_count, const int *events, int event_count) {
    int workers = link_count < max_workers ? link_count : max_workers;
    // `ready` ends when every worker holds only its own links; `go` when this process has
    // closed its copies, so that each worker's close is its links' last.
    int ready[2], go[2];
    if (workers > 1 && pipe(ready) != 0) workers = 0;
    if (workers > 1 && pipe(go) != 0) {
        close(ready[0]);
        close(ready[1]);
        workers = 0;
    }
    if (workers <= 1) {
        close_each(links, link_count);
        close_each(events, event_count);
        return;
    }
    for (int w = 0; w < workers; w++) {
        pid_t worker = fork();
        if (worker < 0) break;
        if (worker == 0) {
            close(ready[0]);
            close(go[1]);
            for (int i = 0; i < link_count; i++)
                if (i % workers != w) close(links[i]);
            close_each(events, event_count);
            close(ready[1]);
            wait_for_close(go[0]);
            for (int i = w; i < link_count; i += workers) close(links[i]);
            _exit(0);
        }
    }
    close(ready[1]);
    close(go[0]);
    wait_for_close(ready[0]);
    close(ready[0]);
    // Links of workers that could not be forked are released here, one after another.
    close_each(links, link_count);
    close(go[1]);
    // The events stay open (the parent asks about them by this process's descriptors) until
    // every link is released.
    for (;;) {
        pid_t reaped = waitpid(-1, NULL, 0);
        if (reaped > 0 || (reaped < 0 && errno == EINTR)) continue;
        break;
    }
    close_each(events, event_count);
}

int cbpf_release_in_child(const int *links, int link_count, const int *events, int event_count) {
    // The child must not release a link before the parent has closed its own copy, or the
    // parent's close would be the last and wait: the parent closes this pipe when it has.
    int parent_done[2];
    if (pipe(parent_done) != 0) return -errno;
    pid_t child = fork();
    if (child < 0) {
        int code = errno;
        close(parent_done[0]);
        close(parent_done[1]);
        return -code;
    }
    if (child > 0) {
        close(parent_done[0]);
        close_each(links, link_count);
        close_each(events, event_count);
        close(parent_done[1]);
        return child;
    }
    // Ctrl-C meant for bpfsh must not cut the release short (it would finish anyway).
    signal(SIGINT, SIG_IGN);
    close_all_except(links, link_count, events, event_count, parent_done[0]);
    wait_for_close(parent_done[0]);
    close(parent_done[0]);
    release(links, link_count, events, event_count);
    _exit(0);
}

int cbpf_perf_event_runs_program(int pid, int fd) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.task_fd_query.pid = (uint32_t)pid;
    attr.task_fd_query.fd = (uint32_t)fd;
    long result = syscall(__NR_bpf, BPF_TASK_FD_QUERY, &attr, sizeof attr);
    if (result == 0) return 1;
    switch (errno) {
    case EOPNOTSUPP: return 1;  // a perf_event program (profile, interval): attached, not described
    case ENOENT: return 0;      // the event runs no program any more
    case EBADF: return 0;       // the child closed it: only after the links were released
    case ESRCH: return 0;       // the child is gone, likewise
    default: return -errno;
    }
}
