// LLVM is loaded only when a program must be compiled. Linked into bpfsh, its static
// constructors, relocations and page faults cost ~4 ms of every start, while a program found
// in the compiled-program cache never needs it. So bpfsh defines each LLVM-C function it
// calls (llvm_functions.def) as a stub that jumps through a slot; the slots are filled from
// the table of libbpfsh-llvm.so (LLVM linked statically into a shared object beside the
// executable, the package's `bpfsh-llvm` product) on the first call, or by `cllvm_load`, which
// the compiler calls first so that a missing library is an error value, not an abort.
#define _GNU_SOURCE
#include "CLLVM.h"
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if !CLLVM_LAZY
// LLVM is linked into bpfsh (no static archives, or not x86-64): always ready.
const char *cllvm_load(void) { return 0; }
#else

#define X(name) __attribute__((visibility("hidden"))) void *cllvm_slot_##name;
#include "llvm_functions.def"
#undef X

// In the order of libbpfsh-llvm.so's table (CLLVMBundle/bundle.c), both from llvm_functions.def.
static void **const slots[] = {
#define X(name) &cllvm_slot_##name,
#include "llvm_functions.def"
#undef X
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[1024];

static int try_open(const char *path, void **handle) {
    *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (*handle) return 1;
    const char *reason = dlerror();
    size_t used = strlen(failure);
    snprintf(failure + used, sizeof failure - used, "%s%s", used ? "; " : "", reason ? reason : path);
    return 0;
}

static void load(void) {
    void *handle = NULL;
    // Not honoured under setuid or file capabilities: it names code to run with them.
    const char *override = secure_getenv("BPFSH_LLVM_LIBRARY");
    if (override && *override) {
        try_open(override, &handle);
    } else {
        char exe[PATH_MAX];
        ssize_t length = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (length > 0) {
            exe[length] = 0;
            char *slash = strrchr(exe, '/');
            if (slash) {
                char path[PATH_MAX + 32];
                snprintf(path, sizeof path, "%.*s/%s", (int)(slash - exe), exe, CLLVM_LIBRARY_NAME);
                try_open(path, &handle);
            }
        }
    }
    if (!handle) return;
    void *const *(*table)(unsigned long *) =
        (void *const *(*)(unsigned long *))dlsym(handle, "cllvm_bundle_functions");
    if (!table) {
        const char *reason = dlerror();
        snprintf(failure, sizeof failure, "%s", reason ? reason : "no cllvm_bundle_functions");
        dlclose(handle);
        return;
    }
    unsigned long count = 0;
    void *const *addresses = table(&count);
    size_t expected = sizeof slots / sizeof slots[0];
    if (!addresses || count != expected) {
        snprintf(failure, sizeof failure, "%s was not built with this bpfsh (%lu functions, expected %zu)",
                 CLLVM_LIBRARY_NAME, count, expected);
        dlclose(handle);
        return;
    }
    // pthread_once publishes these stores to every thread that calls cllvm_load; the stubs
    // read a slot only after it (the compiler calls cllvm_load before any LLVM call).
    for (size_t i = 0; i < expected; i++) *slots[i] = addresses[i];
    failure[0] = 0;
}

const char *cllvm_load(void) {
    pthread_once(&once, load);
    return failure[0] ? failure : NULL;
}

// Reached from a stub whose slot is empty: no compile path called cllvm_load first.
__attribute__((visibility("hidden"))) void cllvm_load_or_die(void) {
    const char *error = cllvm_load();
    if (error) {
        fprintf(stderr, "bpfsh: cannot load LLVM: %s\n", error);
        abort();
    }
}

// The slow path keeps every argument register (integer and vector) across the load, then
// jumps to the function whose slot address the stub left in %r11.
__asm__(".text\n"
        ".type cllvm_resolve_and_jump,@function\n"
        "cllvm_resolve_and_jump:\n"
        "  pushq %rbp\n  movq %rsp, %rbp\n"
        "  pushq %rdi\n  pushq %rsi\n  pushq %rdx\n  pushq %rcx\n"
        "  pushq %r8\n  pushq %r9\n  pushq %r11\n  pushq %rax\n"
        "  subq $128, %rsp\n"
        "  movdqu %xmm0, 0(%rsp)\n  movdqu %xmm1, 16(%rsp)\n  movdqu %xmm2, 32(%rsp)\n"
        "  movdqu %xmm3, 48(%rsp)\n  movdqu %xmm4, 64(%rsp)\n  movdqu %xmm5, 80(%rsp)\n"
        "  movdqu %xmm6, 96(%rsp)\n  movdqu %xmm7, 112(%rsp)\n"
        "  call cllvm_load_or_die\n"
        "  movdqu 0(%rsp), %xmm0\n  movdqu 16(%rsp), %xmm1\n  movdqu 32(%rsp), %xmm2\n"
        "  movdqu 48(%rsp), %xmm3\n  movdqu 64(%rsp), %xmm4\n  movdqu 80(%rsp), %xmm5\n"
        "  movdqu 96(%rsp), %xmm6\n  movdqu 112(%rsp), %xmm7\n"
        "  addq $128, %rsp\n"
        "  popq %rax\n  popq %r11\n  popq %r9\n  popq %r8\n"
        "  popq %rcx\n  popq %rdx\n  popq %rsi\n  popq %rdi\n"
        "  popq %rbp\n"
        "  jmp *(%r11)\n"
        ".size cllvm_resolve_and_jump, .-cllvm_resolve_and_jump\n");

#define X(name)                                                                                         \
    __asm__(".text\n.globl " #name "\n.type " #name ",@function\n" #name ":\n"                        \
            "  movq cllvm_slot_" #name "(%rip), %r11\n  testq %r11, %r11\n  jz 1f\n  jmp *%r11\n"      \
            "1:\n  leaq cllvm_slot_" #name "(%rip), %r11\n  jmp cllvm_resolve_and_jump\n"              \
            ".size " #name ", .-" #name "\n");
#include "llvm_functions.def"
#undef X
#endif
