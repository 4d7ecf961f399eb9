#ifndef CSPAWN_H
#define CSPAWN_H
// Starting background workloads that cannot outlive the shell.
#include <sys/types.h>

/// Starts `path` with `argv` and `envp` in a child that:
/// - gets SIGKILL when the process that started it dies (PR_SET_PDEATHSIG), even by SIGKILL;
/// - has stdin, stdout and stderr on /dev/null and no other descriptor (so it holds none of
///   the shell's BPF programs, links or maps open);
/// - runs in its own process group (Ctrl-C at the shell's terminal does not reach it);
/// - starts with default signal handling and an empty signal mask.
/// Only async-signal-safe calls are made between fork and exec.
/// Returns the child's pid, or -errno when it could not be started.
pid_t cspawn_start(const char *path, char *const argv[], char *const envp[]);

/// Starts `path` with `argv` and `envp` in a child that first waits for a byte (or the end)
/// on `gate_fd`, then execs: the `-c` command, held until every probe is attached, and
/// traced from its first instruction (not a shell's). It keeps stdio and the environment,
/// and no other descriptor. Only async-signal-safe calls are made between fork and exec.
/// Returns the child's pid, or -errno when it could not be started; a failed exec after the
/// gate ends the child with status 127.
pid_t cspawn_gated(const char *path, char *const argv[], char *const envp[], int gate_fd);
#endif
