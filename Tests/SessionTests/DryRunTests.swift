import Foundation
import Kernel
import Language
import LanguageTestSupport
import Session
import TestSupport
import XCTest

/// `--dry-run`: every program compiled and loaded through the verifier, nothing attached or
/// run, nothing kept. Probe types this kernel cannot attach are still checked here.
final class DryRunTests: XCTestCase {
    func testOnTheFakeKernelProgramsLoadAndNothingAttaches() throws {
        let kernel = FakeKernel()
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), write: { _ in })
        defer { session.close() }
        let programs = try session.verify(
            text: "BEGIN { printf(\"hi\\n\"); } tracepoint:sched:sched_switch { @[comm] = count(); }")
        XCTAssertEqual(programs.map(\.attachPoint), ["BEGIN", "tracepoint:sched:sched_switch"])
        XCTAssertTrue(programs.allSatisfy { $0.notLoaded == nil && $0.instructions > 0 })
        XCTAssertEqual(kernel.attached, [])
        XCTAssertEqual(kernel.openPrograms, [], "loaded, then closed")
        XCTAssertEqual(kernel.openMaps, [], "the maps made for the check are closed")
        XCTAssertEqual(session.probes.count, 0)
        XCTAssertEqual(session.mapInfos.count, 0, "the session is left as it was")
    }

    func testTheVerifiersRejectionIsExplainedAgainstTheSource() throws {
        let kernel = FakeKernel()
        kernel.rejectedPrograms = ["tracepoint:sched:sched_switch"]
        let session = TracingSession(backend: kernel, catalogue: FakeCatalogue(), write: { _ in })
        defer { session.close() }
        XCTAssertThrowsError(try session.verify(text: "tracepoint:sched:sched_switch { @n = count(); }")) { error in
            guard case SessionError.rejected = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(kernel.openPrograms, [])
    }

    func testProbeTypesThisKernelCannotAttachAreVerifiedHere() throws {
        try KernelTestGate.require()
        let before = HeldKernelObjects(pid: getpid())
        let live = LiveKernel(verifyOnly: true)
        let session = TracingSession(backend: live.backend, catalogue: live.catalogue, write: { _ in })
        defer { session.close() }

        // kprobes: loaded through the verifier whether or not this kernel can attach them;
        // without kprobes, wildcards expand from BTF's functions.
        let kprobes = try session.verify(text: "kprobe:vfs_read, kretprobe:vfs_rea* { @[comm] = count(); }")
        XCTAssertTrue(kprobes.contains { $0.attachPoint == "kprobe:vfs_read" }, "\(kprobes)")
        XCTAssertTrue(kprobes.contains { $0.attachPoint == "kretprobe:vfs_read" }, "\(kprobes)")
        XCTAssertTrue(kprobes.allSatisfy { $0.notLoaded == nil && $0.instructions > 0 }, "\(kprobes)")

        XCTAssertThrowsError(try session.verify(text: "kprobe:no_such_function_here { }")) { error in
            XCTAssertTrue(
                "\(error)".contains("kernel function 'no_such_function_here' does not exist on this kernel"),
                "\(error)")
        }

        // fentry: loaded where trampolines work; elsewhere compiled and reported with the reason.
        let fentry = try session.verify(text: "fentry:vfs_read { @[args.count] = count(); }")
        XCTAssertEqual(fentry.count, 1)
        if let reason = fentry.first?.notLoaded {
            XCTAssertTrue(reason.hasPrefix("fentry unavailable here: "), reason)
            XCTAssertNotNil(live.backend.missingFeature(.fentry))
        } else {
            XCTAssertNil(live.backend.missingFeature(.fentry))
        }

        // Hardware events load as perf-event programs even without PMCs.
        XCTAssertEqual(try session.verify(text: "hardware:cycles:100000 { @c = count(); }").first?.notLoaded, nil)

        XCTAssertEqual(session.probes.count, 0)
        let after = HeldKernelObjects(pid: getpid())
        XCTAssertEqual(after.programs, before.programs, "no program stays loaded")
        XCTAssertEqual(after.links, before.links, "nothing was attached")
        XCTAssertEqual(after.maps, before.maps, "no map stays open")
    }

    /// Struct values where this kernel cannot attach: kprobes go through the verifier with a
    /// whole `struct task_struct` read into an event, a variable, a map value and back; fentry's
    /// `print(args)` and `print(*args.path)` compile.
    func testStructValuesOfKprobesPassTheVerifierAndFentryCompiles() throws {
        try KernelTestGate.require()
        let live = LiveKernel(verifyOnly: true)
        let session = TracingSession(backend: live.backend, catalogue: live.catalogue, write: { _ in })
        defer { session.close() }
        let kprobe = try session.verify(
            text: "kprobe:vfs_open { print(*((struct path *)arg0)); print(*curtask); $t = *curtask; @t[tid] = $t; "
                + "print(@t[tid].comm); print(((struct path *)arg0)->dentry->d_name); @f = *((struct file *)arg1); }")
        XCTAssertEqual(kprobe.count, 1)
        XCTAssertEqual(kprobe.first?.notLoaded, nil, "\(kprobe)")
        XCTAssertGreaterThan(kprobe.first?.instructions ?? 0, 0)

        let fentry = try session.verify(text: "fentry:vfs_open { print(args); print(*args.path); @ = args; }")
        XCTAssertEqual(fentry.count, 1)
        if let reason = fentry.first?.notLoaded { XCTAssertTrue(reason.hasPrefix("fentry unavailable here: "), reason) }
    }
}
