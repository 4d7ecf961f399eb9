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

uint64_t cbpf_perf_ring_head(void *page) {
    return __atomic_load_n(&((struct perf_event_mmap_page *)page)->data_head, __ATOMIC_ACQUIRE);
}
void cbpf_perf_ring_set_tail(void *page, uint64_t tail) {
    __atomic_store_n(&((struct perf_event_mmap_page *)page)->data_tail, tail, __ATOMIC_RELEASE);
}
