import Kernel
import Language
import LanguageTestSupport
import Session
import TestSupport
import XCTest

/// `syscall:NAME`, a provider bpfsh does not ship: the entry of one system call, typed and
/// attached as the `syscalls:sys_enter_NAME` tracepoint. Added here through the tables alone —
/// a descriptor row and one `ProbeProvider` — to show that that is all a provider needs.
struct SyscallProvider: ProbeProvider {
    static let kind = ProviderKind("syscall")
    let descriptor = ProviderDescriptor(
        kind: SyscallProvider.kind, aliases: ["sc"], summary: "entry of one system call",
        grammar: .event(example: "syscall:openat"), context: .tracepointRecord, programType: .tracepoint,
        requires: .tracepoints, completion: .none)

    func tracepoint(_ target: ProbeTarget) -> ProbeTarget {
        ProbeTarget(kind: .tracepoint, parts: ["syscalls", "sys_enter_" + target.parts[0]])
    }

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        let event = tracepoint(target)
        guard environment.kernel.hasTracepoint(category: event.parts[0], event: event.parts[1]) else {
            throw Language.CatalogueError("no system call '\(target.parts[0])' on this kernel")
        }
        return [target]
    }

    func context(for target: ProbeTarget, in environment: ProviderEnvironment) throws -> ProbeContext {
        try environment.context(shape: .tracepointRecord, for: tracepoint(target))
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        let event = tracepoint(target)
        let id = try environment.kernel.tracepointID(category: event.parts[0], event: event.parts[1])
        return try Attacher.tracepoint(program, id: UInt64(id), name: target.name)
    }
}

final class ProviderExtensionTests: XCTestCase {
    let provider = SyscallProvider()

    func testALanguageRowIsEnoughToParseTypeAndCompile() throws {
        let catalogue = SyscallFakeCatalogue(provider: provider)
        let session = TracingSession(backend: FakeKernel(), catalogue: catalogue, write: { _ in })
        defer { session.close() }
        XCTAssertThrowsError(try session.define(name: "bad", text: "syscall:a:b:c { }")) { error in
            XCTAssertTrue("\(error)".contains("syscall probes are written syscall:EVENT"), "\(error)")
        }
        let program = "sc:vmlinux:openat { @[str(args.filename)] = count(); }"
        let probe = try session.define(name: "p", text: program)
        XCTAssertEqual(probe.attachPoints, ["syscall:openat"], "the alias resolved, the module was dropped")
        XCTAssertEqual(probe.compiled.programs.map(\.type), [.tracepoint], "the row's program type")
        XCTAssertEqual(probe.compiled.checked.units.map(\.provider.kind), [SyscallProvider.kind])

        // Without the row, the same text names no provider, and the message lists the known ones.
        let builtin = TracingSession(backend: FakeKernel(), catalogue: FakeCatalogue(), write: { _ in })
        defer { builtin.close() }
        XCTAssertThrowsError(try builtin.define(name: "p", text: program)) { error in
            XCTAssertTrue("\(error)".contains("unknown probe type 'sc'"), "\(error)")
        }
    }

    func testTheRegistryRowExpandsLoadsAndAttachesOnTheKernel() throws {
        try KernelTestGate.require()
        var registry = ProviderRegistry.builtin
        registry.register(provider)
        let live = LiveKernel(registry: registry)
        let session = TracingSession(backend: live.backend, catalogue: live.catalogue, write: { _ in })
        defer { session.close() }
        XCTAssertThrowsError(try session.define(name: "none", text: "syscall:nosuchcall { }")) { error in
            XCTAssertTrue("\(error)".contains("no system call 'nosuchcall' on this kernel"), "\(error)")
        }
        let helper = try GatedProcess.getppidLoop(300)
        try session.define(name: "g", text: "syscall:getppid /pid == \(helper.pid)/ { @calls = count(); }")
        helper.start()
        XCTAssertEqual(helper.wait(), 0)
        XCTAssertEqual(try session.table("@calls").rows.first?.count, 300, "every call, through the new provider")
    }
}

/// The in-memory kernel with the syscall provider's row: a syscall is typed as its tracepoint,
/// as `SyscallProvider.context` does on the live kernel.
struct SyscallFakeCatalogue: Language.ProbeCatalogue {
    let provider: SyscallProvider
    let kernel = FakeCatalogue()

    var providers: ProviderTable { ProviderTable.builtin.adding(provider.descriptor) }

    func expand(_ target: ProbeTarget) throws -> [ProbeTarget] {
        target.kind == SyscallProvider.kind ? [target] : try kernel.expand(target)
    }

    func context(for target: ProbeTarget) throws -> ProbeContext {
        try kernel.context(for: target.kind == SyscallProvider.kind ? provider.tracepoint(target) : target)
    }

    func kernelAddress(of symbol: String) -> UInt64? { kernel.kernelAddress(of: symbol) }
}
