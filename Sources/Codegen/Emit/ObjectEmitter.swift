import CLLVM
import Glibc
import Synchronization

/// Turns an LLVM module into BPF instructions, one section per program.
///
/// Consumes a verified module; produces the raw bytes of each named section. Generated code
/// references maps by id through `llvm.bpf.pseudo`; the only relocations expected are
/// references to functions of the same section (`for` loop callbacks), resolved here.
final class ObjectEmitter {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private static let initialized: Bool = {
        cllvm_initialize_bpf()
        // LLVM ends the process on a fatal error; at least say what happened and whose bug it is.
        LLVMInstallFatalErrorHandler { reason in
            let text = reason.map { String(cString: $0) } ?? "unknown"
            fputs(
                "bpfsh: internal compiler error (LLVM): \(text)\nPlease report this with the program that caused it.\n",
                stderr)
        }
        return true
    }()

    let machine: LLVMTargetMachineRef

    /// One target machine serves every compile of the process: making one took ~0.3 ms of
    /// each (its subtarget works out the register properties of every value type), and each
    /// probe keeping its own held ~180 KB. LLVM's target machine is not safe to use from two
    /// threads at once, hence the lock.
    private static let shared = Mutex<Result<ObjectEmitter, Failure>?>(nil)

    static func withShared<T>(_ body: (ObjectEmitter) throws -> T) throws -> T {
        try shared.withLock { slot in
            let emitter: ObjectEmitter
            switch slot {
            case .success(let made)?: emitter = made
            case .failure(let failure)?: throw failure
            case nil:
                do {
                    emitter = try ObjectEmitter()
                    slot = .success(emitter)
                } catch let failure as Failure {
                    slot = .failure(failure)
                    throw failure
                }
            }
            return try body(emitter)
        }
    }

    /// Emits through LLVM-C's own call, which builds a pipeline each time: for tests that hold
    /// the kept pipeline's code to it.
    nonisolated(unsafe) static var freshPipelineForEachEmit = false

    private init() throws {
        _ = ObjectEmitter.initialized
        var target: LLVMTargetRef?
        var message: UnsafeMutablePointer<CChar>?
        guard LLVMGetTargetFromTriple("bpfel", &target, &message) == 0, let target else {
            defer { LLVMDisposeMessage(message) }
            throw Failure(description: "LLVM has no BPF target: \(message.map { String(cString: $0) } ?? "")")
        }
        guard
            let machine = LLVMCreateTargetMachine(
                target, "bpfel", "v2", "", LLVMCodeGenLevelDefault, LLVMRelocDefault, LLVMCodeModelDefault)
        else {
            throw Failure(description: "cannot create the BPF target machine")
        }
        self.machine = machine
    }

    deinit { LLVMDisposeTargetMachine(machine) }

    func prepare(_ module: LLVMModuleRef) {
        LLVMSetTarget(module, "bpfel")
        let layout = LLVMCreateTargetDataLayout(machine)
        LLVMSetModuleDataLayout(module, layout)
        LLVMDisposeTargetData(layout)
    }

    func optimize(_ module: LLVMModuleRef) throws {
        if let message = cllvm_optimize(module, machine) {
            defer { LLVMDisposeMessage(message) }
            throw Failure(description: "optimization failed: \(String(cString: message))")
        }
    }

    func assembly(_ module: LLVMModuleRef) -> String {
        var message: UnsafeMutablePointer<CChar>?
        var buffer: LLVMMemoryBufferRef?
        guard LLVMTargetMachineEmitToMemoryBuffer(machine, module, LLVMAssemblyFile, &message, &buffer) == 0, let buffer
        else {
            LLVMDisposeMessage(message)
            return ""
        }
        defer { LLVMDisposeMemoryBuffer(buffer) }
        let start = LLVMGetBufferStart(buffer)!
        let size = LLVMGetBufferSize(buffer)
        return String(decoding: UnsafeRawBufferPointer(start: start, count: size), as: UTF8.self)
    }

    /// Collects LLVM's error diagnostics (such as the BPF backend's "stack limit exceeded"),
    /// which its default handler would print before ending the process.
    final class DiagnosticSink {
        var errors: [String] = []
    }

    /// Emits an object file and returns each section's name and contents.
    func sections(of module: LLVMModuleRef, context: LLVMContextRef) throws -> [String: EmittedSection] {
        let sink = DiagnosticSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        LLVMContextSetDiagnosticHandler(
            context,
            { info, context in
                guard let info, let context else { return }
                let sink = Unmanaged<DiagnosticSink>.fromOpaque(context).takeUnretainedValue()
                if LLVMGetDiagInfoSeverity(info) == LLVMDSError, let text = LLVMGetDiagInfoDescription(info) {
                    sink.errors.append(String(cString: text))
                    LLVMDisposeMessage(text)
                }
            }, unmanaged.toOpaque())
        defer { LLVMContextSetDiagnosticHandler(context, nil, nil) }
        var message: UnsafeMutablePointer<CChar>?
        var buffer: LLVMMemoryBufferRef?
        // One code generation pipeline kept for every module (Sources/CLLVMBundle/emit_object.cpp):
        // LLVM-C's emit builds one per call, ~0.65 ms of a one-liner's ~2.6 ms of codegen.
        let emitted =
            Self.freshPipelineForEachEmit
            ? LLVMTargetMachineEmitToMemoryBuffer(machine, module, LLVMObjectFile, &message, &buffer)
            : cllvm_emit_object(machine, module, &message, &buffer)
        if let error = sink.errors.first {
            LLVMDisposeMessage(message)
            if let buffer { LLVMDisposeMemoryBuffer(buffer) }
            throw Failure(description: error)
        }
        guard emitted == 0, let buffer else {
            defer { LLVMDisposeMessage(message) }
            throw Failure(description: "code generation failed: \(message.map { String(cString: $0) } ?? "")")
        }
        var binaryMessage: UnsafeMutablePointer<CChar>?
        guard let binary = LLVMCreateBinary(buffer, context, &binaryMessage) else {
            defer { LLVMDisposeMessage(binaryMessage) }
            LLVMDisposeMemoryBuffer(buffer)
            throw Failure(
                description: "cannot read the emitted object: \(binaryMessage.map { String(cString: $0) } ?? "")")
        }
        defer {
            LLVMDisposeBinary(binary)
            LLVMDisposeMemoryBuffer(buffer)
        }
        var result: [String: EmittedSection] = [:]
        guard let iterator = LLVMObjectFileCopySectionIterator(binary) else { return result }
        defer { LLVMDisposeSectionIterator(iterator) }
        // ELF keeps a section's relocations in a section of their own (".relNAME"), read once
        // the code is in hand.
        var relocationSections: [String] = []
        while LLVMObjectFileIsSectionIteratorAtEnd(binary, iterator) == 0 {
            if let namePointer = LLVMGetSectionName(iterator) {
                let name = String(cString: namePointer)
                if name.hasPrefix("bpfsh/") {
                    let size = Int(LLVMGetSectionSize(iterator))
                    let contents = LLVMGetSectionContents(iterator)!
                    result[name] = EmittedSection(bytes: Array(UnsafeRawBufferPointer(start: contents, count: size)))
                } else if name.hasPrefix(".relbpfsh/") || name.hasPrefix(".relabpfsh/") {
                    relocationSections.append(name)
                }
            }
            LLVMMoveToNextSection(iterator)
        }
        guard !relocationSections.isEmpty, let relocated = LLVMObjectFileCopySectionIterator(binary) else {
            return result
        }
        defer { LLVMDisposeSectionIterator(relocated) }
        while LLVMObjectFileIsSectionIteratorAtEnd(binary, relocated) == 0 {
            if let namePointer = LLVMGetSectionName(relocated) {
                let name = String(cString: namePointer)
                if relocationSections.contains(name) {
                    let target = String(name.drop { $0 != "b" })
                    guard var section = result[target] else {
                        throw Failure(description: "internal error: relocations for unknown section \(name)")
                    }
                    try section.resolveFunctionReferences(binary: binary, relocations: relocated, name: target)
                    result[target] = section
                }
            }
            LLVMMoveToNextSection(relocated)
        }
        return result
    }
}
