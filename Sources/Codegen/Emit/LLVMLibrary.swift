import CLLVM
import Foundation

/// LLVM is loaded at the first compile, not at start (Sources/CLLVM/lazy.c): a program served
/// from the compiled-program cache never pays for it.
enum LLVMLibrary {
    /// Loads LLVM if it is not yet loaded; throws, rather than ending the process in a stub,
    /// when it cannot be (libbpfsh-llvm.so missing beside bpfsh or built for another LLVM).
    static func require() throws {
        if let reason = cllvm_load() {
            throw CodegenError.llvmUnavailable(String(cString: reason))
        }
    }
}

extension Compiler {
    /// Loads LLVM on a background thread; a later compile waits for that load rather than
    /// starting its own.
    public static func loadLLVMInBackground() {
        Thread.detachNewThread { _ = cllvm_load() }
    }
}
