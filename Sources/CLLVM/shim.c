#include "CLLVM.h"
#include <llvm-c/Error.h>

void LLVMInitializeBPFTargetInfo(void);
void LLVMInitializeBPFTarget(void);
void LLVMInitializeBPFTargetMC(void);
void LLVMInitializeBPFAsmPrinter(void);

void cllvm_initialize_bpf(void) {
    LLVMInitializeBPFTargetInfo();
    LLVMInitializeBPFTarget();
    LLVMInitializeBPFTargetMC();
    LLVMInitializeBPFAsmPrinter();
}

char *cllvm_optimize(LLVMModuleRef module, LLVMTargetMachineRef machine) {
    LLVMPassBuilderOptionsRef options = LLVMCreatePassBuilderOptions();
    LLVMErrorRef error = LLVMRunPasses(module, "default<O2>", machine, options);
    LLVMDisposePassBuilderOptions(options);
    if (error) return LLVMGetErrorMessage(error);
    return 0;
}

#if !CLLVM_LAZY
// LLVM linked into bpfsh (no static archives to build libbpfsh-llvm.so from): LLVM-C's emit,
// which builds the code generation pipeline at every call.
LLVMBool cllvm_emit_object(LLVMTargetMachineRef machine, LLVMModuleRef module, char **error,
                           LLVMMemoryBufferRef *object) {
    return LLVMTargetMachineEmitToMemoryBuffer(machine, module, LLVMObjectFile, error, object);
}
#endif
