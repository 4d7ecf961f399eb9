import Codegen

/// An interactive shell loads LLVM while the user reads the banner and types, so the first
/// probe compiles without waiting ~5 ms for it; one-shot runs load it only when a program is
/// not in the cache.
public enum CompilerWarmup {
    public static func start() { Compiler.loadLLVMInBackground() }
}
