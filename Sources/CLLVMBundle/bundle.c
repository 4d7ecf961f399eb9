// libbpfsh-llvm.so is LLVM itself (the static archives, linked by Package.swift's
// llvmBundleFlags) plus this table: the address of every LLVM-C function bpfsh calls, in the
// order of llvm_functions.def, which bpfsh's stubs (CLLVM/lazy.c) copy into their slots. One
// exported table rather than exported functions: a release link puts the archives' symbols
// out of reach of dlsym (--exclude-libs ALL, from Swift's static-stdlib arguments).
#include "CLLVMBundle.h"
#include "CLLVM.h"
#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/Object.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>

void LLVMInitializeBPFTargetInfo(void);
void LLVMInitializeBPFTarget(void);
void LLVMInitializeBPFTargetMC(void);
void LLVMInitializeBPFAsmPrinter(void);

static void *const functions[] = {
#define X(name) (void *)&name,
#include "llvm_functions.def"
#undef X
};

__attribute__((visibility("default"))) void *const *cllvm_bundle_functions(unsigned long *count) {
    *count = sizeof functions / sizeof functions[0];
    return functions;
}
