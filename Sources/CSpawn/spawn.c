#define _GNU_SOURCE
#include "CSpawn.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static void report_and_exit(int fd, int code) {
    ssize_t ignored = write(fd, &code, sizeof code);
    (void)ignored;
    _exit(127);
}

pid_t cspawn_start(const char *path, char *const argv[], char *const envp[]) {
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) return -errno;
    // The child reports a failed exec through this pipe; a successful exec closes it.
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) != 0) {
        int code = errno;
        close(null_fd);
        return -code;
    }
    pid_t parent = getpid();
    // Block every signal across fork so no handler of the shell runs in the child.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        // Child: async-signal-safe calls only.
        int report = status_pipe[1];
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) report_and_exit(report, errno);
        // The parent may have died before prctl took effect.
        if (getppid() != parent) _exit(127);
        setpgid(0, 0);
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP) continue;
            signal(sig, SIG_DFL);
        }
        if (dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0 || dup2(null_fd, 2) < 0) report_and_exit(report, errno);
        // Keep only 0, 1, 2 and the status pipe (close-on-exec); close everything else.
        if (report > 3) syscall(SYS_close_range, 3, report - 1, 0);
        syscall(SYS_close_range, report + 1, ~0U, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, 0);
        execve(path, argv, envp);
        report_and_exit(report, errno);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, 0);
    close(null_fd);
    close(status_pipe[1]);
    if (pid < 0) {
        close(status_pipe[0]);
        return -fork_error;
    }
    int code = 0;
    ssize_t n;
    do { n = read(status_pipe[0], &code, sizeof code); } while (n < 0 && errno == EINTR);
    close(status_pipe[0]);
    if (n == (ssize_t)sizeof code) {
        // The child never ran the command: collect it and report why.
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return -(code ? code : ECHILD);
    }
    return pid;
}

pid_t cspawn_gated(const char *path, char *const argv[], char *const envp[], int gate_fd) {
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pid_t pid = fork();
    if (pid == 0) {
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig == SIGKILL || sig == SIGSTOP) continue;
            signal(sig, SIG_DFL);
        }
        // The gate becomes descriptor 3; nothing of the tracer's (BPF objects, rings) stays open.
        if (gate_fd != 3 && dup2(gate_fd, 3) < 0) _exit(127);
        syscall(SYS_close_range, 4, ~0U, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, 0);
        char byte;
        while (read(3, &byte, 1) < 0 && errno == EINTR) {}
        close(3);
        execve(path, argv, envp);
        static const char message[] = "bpfsh: the -c command could not be executed\n";
        ssize_t ignored = write(2, message, sizeof message - 1);
        (void)ignored;
        _exit(127);
    }
    int fork_error = errno;
    pthread_sigmask(SIG_SETMASK, &previous, 0);
    return pid < 0 ? -fork_error : pid;
}
