#ifndef CBPF_H
#define CBPF_H
// Shims for the kernel layer: libbpf, libelf, perf_event_open and ioctls.
// Swift cannot call variadic C functions or function-like macros, so each is wrapped here.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <libelf.h>
#include <gelf.h>
#include <stdint.h>

int cbpf_perf_event_open(struct perf_event_attr *attr, int pid, int cpu, int group_fd, unsigned long flags);
int cbpf_perf_event_enable(int fd);
int cbpf_perf_event_disable(int fd);
int cbpf_perf_event_set_bpf(int fd, int prog_fd);
/// Silences libbpf's own stderr printing; errors are reported as values instead.
void cbpf_silence_libbpf(void);
int cbpf_bpf_enable_stats(void);
/// Detaches perf-event links without waiting for the kernel's release (see release.c): a
/// forked child takes over `links` and `events` and closes them; the caller's copies are
/// closed before it returns. The child's pid, or -errno (then nothing was closed).
int cbpf_release_in_child(const int *links, int link_count, const int *events, int event_count);
/// Whether perf event `fd` of process `pid` still runs a BPF program: 1 while it does, 0 once
/// it does not (or the descriptor is gone), -errno when the kernel cannot tell.
int cbpf_perf_event_runs_program(int pid, int fd);
/// A perf ring's data_head read with acquire order, and data_tail written with release order,
/// as the kernel's ring protocol requires.
uint64_t cbpf_perf_ring_head(void *page);
void cbpf_perf_ring_set_tail(void *page, uint64_t tail);
/// bpf(BPF_MAP_CREATE) and bpf(BPF_PROG_LOAD) with the fields of libbpf's options that bpfsh
/// sets, without libbpf's feature probes: its bpf_map_create and bpf_prog_load load two
/// probe programs at a process's first call (object names; memcg accounting, to decide
/// whether to raise RLIMIT_MEMLOCK), ~0.2 ms of every start. Names are in every kernel with a
/// ring buffer (5.8+); RLIMIT_MEMLOCK is raised when a kernel refuses for it (before 5.11).
/// The fd, or -errno.
int cbpf_map_create(enum bpf_map_type type, const char *name, uint32_t key_size, uint32_t value_size,
                    uint32_t max_entries, uint32_t map_flags);
int cbpf_prog_load(enum bpf_prog_type type, const char *name, const struct bpf_insn *instructions,
                   size_t count, const struct bpf_prog_load_opts *opts);
#endif
