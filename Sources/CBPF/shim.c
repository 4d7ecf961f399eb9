#include "CBPF.h"
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdarg.h>

int cbpf_perf_event_open(struct perf_event_attr *attr, int pid, int cpu, int group_fd, unsigned long flags) {
    return (int)syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);
}
int cbpf_perf_event_enable(int fd) { return ioctl(fd, PERF_EVENT_IOC_ENABLE, 0); }
int cbpf_perf_event_disable(int fd) { return ioctl(fd, PERF_EVENT_IOC_DISABLE, 0); }
int cbpf_perf_event_set_bpf(int fd, int prog_fd) { return ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd); }

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list args) {
    (void)level; (void)fmt; (void)args;
    return 0;
}
void cbpf_silence_libbpf(void) { libbpf_set_print(quiet_print); }
int cbpf_bpf_enable_stats(void) { return bpf_enable_stats(BPF_STATS_RUN_TIME); }

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/// Forks a child that keeps only `fds` open, closes them and exits; the caller then closes
/// its own copies, which no longer release anything. Only async-signal-safe calls in the
/// child (the parent has threads).
int cbpf_close_in_child(const int *fds, int count) {
    pid_t child = fork();
    if (child < 0) return -errno;
    if (child > 0) return child;
    // Ctrl-C meant for bpfsh must not cut the release short (it would finish anyway).
    signal(SIGINT, SIG_IGN);
    // Close everything else (stdout above all: a reader waits for its end) in the gaps.
    int low = 0;
    for (;;) {
        int next = -1;
        for (int i = 0; i < count; i++) {
            if (fds[i] >= low && (next < 0 || fds[i] < next)) next = fds[i];
        }
        unsigned int last = next < 0 ? ~0U : (unsigned int)next - 1;
        if (next < 0 || next > low) {
            if (syscall(SYS_close_range, (unsigned int)low, last, 0) != 0) {
                int top = next < 0 ? 65536 : next;
                for (int fd = low; fd < top; fd++) close(fd);
            }
        }
        if (next < 0) break;
        low = next + 1;
    }
    for (int i = 0; i < count; i++) close(fds[i]);
    _exit(0);
}

uint64_t cbpf_perf_ring_head(void *page) {
    return __atomic_load_n(&((struct perf_event_mmap_page *)page)->data_head, __ATOMIC_ACQUIRE);
}
void cbpf_perf_ring_set_tail(void *page, uint64_t tail) {
    __atomic_store_n(&((struct perf_event_mmap_page *)page)->data_tail, tail, __ATOMIC_RELEASE);
}
