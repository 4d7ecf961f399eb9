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
/// Closes `fds` in a forked child (see shim.c); the child's pid, or -errno.
int cbpf_close_in_child(const int *fds, int count);
/// A perf ring's data_head read with acquire order, and data_tail written with release order,
/// as the kernel's ring protocol requires.
uint64_t cbpf_perf_ring_head(void *page);
void cbpf_perf_ring_set_tail(void *page, uint64_t tail);
#endif
