// LLVMTargetMachineEmitToMemoryBuffer builds the legacy code generation pipeline (~100 passes)
// at every call: ~24% of a small program's code generation. One pipeline, built once for the
// process's target machine, is run on every module instead. The pass manager's module passes
// start afresh for each module (the machine module info resets its MC context, the asm
// printer its streamer and object writer), so one pipeline serves any number of modules.
// Callers serialize (ObjectEmitter.withShared holds a lock around every use).
#include "CLLVM.h"
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <cstring>

namespace {
struct ObjectPipeline {
    llvm::TargetMachine *machine = nullptr;
    llvm::SmallVector<char, 0> bytes;
    llvm::raw_svector_ostream stream{bytes};
    llvm::legacy::PassManager passes;
};
ObjectPipeline *pipeline = nullptr;
}  // namespace

extern "C" LLVMBool cllvm_emit_object(LLVMTargetMachineRef machineRef, LLVMModuleRef moduleRef, char **error,
                                      LLVMMemoryBufferRef *object) {
    auto *machine = reinterpret_cast<llvm::TargetMachine *>(machineRef);
    if (!pipeline || pipeline->machine != machine) {
        delete pipeline;
        pipeline = new ObjectPipeline;
        pipeline->machine = machine;
#if LLVM_VERSION_MAJOR >= 18
        const auto fileType = llvm::CodeGenFileType::ObjectFile;
#else
        const auto fileType = llvm::CGFT_ObjectFile;
#endif
        if (machine->addPassesToEmitFile(pipeline->passes, pipeline->stream, nullptr, fileType)) {
            delete pipeline;
            pipeline = nullptr;
            *error = strdup("the BPF target machine cannot emit an object file");
            return 1;
        }
    }
    pipeline->bytes.clear();
    pipeline->passes.run(*llvm::unwrap(moduleRef));
    auto copy = llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(pipeline->bytes.data(), pipeline->bytes.size()));
    *object = llvm::wrap(copy.release());
    return 0;
}
