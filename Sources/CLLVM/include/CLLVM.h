#ifndef CLLVM_H
#define CLLVM_H
// LLVM-C, limited to calls that exist in LLVM 14 and in 19+.
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Object.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/Transforms/PassBuilder.h>

/// Registers only the BPF backend: the static-inline LLVMInitializeAll* would pull in every target.
void cllvm_initialize_bpf(void);
/// Runs the standard -O2 pipeline (new pass manager: present in LLVM 13 through 19+).
/// Returns a message to free with LLVMDisposeMessage on failure, or NULL.
char *cllvm_optimize(LLVMModuleRef module, LLVMTargetMachineRef machine);
#ifdef __cplusplus
extern "C" {
#endif
/// Emits `module` as an object file into a new buffer, through one code generation pipeline
/// kept for `machine` (LLVMTargetMachineEmitToMemoryBuffer builds one at every call). Returns
/// nonzero and sets `error` (free with LLVMDisposeMessage) on failure. Not thread-safe.
LLVMBool cllvm_emit_object(LLVMTargetMachineRef machine, LLVMModuleRef module, char **error,
                           LLVMMemoryBufferRef *object);
#ifdef __cplusplus
}
#endif
/// Loads LLVM (libbpfsh-llvm.so beside the executable, or $BPFSH_LLVM_LIBRARY) once; returns
/// NULL when it is ready, else why it could not be loaded. Every LLVM call needs it first.
const char *cllvm_load(void);
#endif
