#include "CBPF.h"
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <stdarg.h>
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

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

static int sys_bpf_once(enum bpf_cmd cmd, union bpf_attr *attr) {
    long result = syscall(__NR_bpf, cmd, attr, sizeof(*attr));
    return result < 0 ? -errno : (int)result;
}

// Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK and refuse with EPERM past it:
// raised (as libbpf would) only when that happens, instead of probing for it at every start.
static int sys_bpf(enum bpf_cmd cmd, union bpf_attr *attr) {
    static int raised = 0;
    int result = sys_bpf_once(cmd, attr);
    if (result == -EPERM && !raised) {
        raised = 1;
        struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
        if (setrlimit(RLIMIT_MEMLOCK, &unlimited) == 0) result = sys_bpf_once(cmd, attr);
    }
    return result;
}

int cbpf_map_create(enum bpf_map_type type, const char *name, uint32_t key_size, uint32_t value_size,
                    uint32_t max_entries, uint32_t map_flags) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = type;
    attr.key_size = key_size;
    attr.value_size = value_size;
    attr.max_entries = max_entries;
    attr.map_flags = map_flags;
    if (name) strncpy(attr.map_name, name, sizeof(attr.map_name) - 1);
    return sys_bpf(BPF_MAP_CREATE, &attr);
}

int cbpf_prog_load(enum bpf_prog_type type, const char *name, const struct bpf_insn *instructions,
                   size_t count, const struct bpf_prog_load_opts *opts) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = type;
    attr.insns = (uint64_t)(uintptr_t)instructions;
    attr.insn_cnt = (uint32_t)count;
    attr.license = (uint64_t)(uintptr_t)"GPL";
    if (name) strncpy(attr.prog_name, name, sizeof(attr.prog_name) - 1);
    if (opts) {
        attr.expected_attach_type = opts->expected_attach_type;
        attr.attach_btf_id = opts->attach_btf_id;
        attr.prog_btf_fd = opts->prog_btf_fd;
        attr.func_info_rec_size = opts->func_info_rec_size;
        attr.func_info = (uint64_t)(uintptr_t)opts->func_info;
        attr.func_info_cnt = opts->func_info_cnt;
        attr.log_level = opts->log_level;
        attr.log_size = opts->log_size;
        attr.log_buf = (uint64_t)(uintptr_t)opts->log_buf;
    }
    // As libbpf: the kernel answers EAGAIN when it could not get memory for the verifier.
    int fd = -EAGAIN;
    for (int attempt = 0; attempt < 5 && fd == -EAGAIN; attempt++) fd = sys_bpf(BPF_PROG_LOAD, &attr);
    return fd;
}
