import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// Decides whether tests that need the real kernel, root or a kernel feature may run here.
/// The one place that reads `BPFSH_REQUIRE_KERNEL_TESTS`; a leaf target so that test targets
/// which cannot depend on TestSupport (SymbolsTests) share it. TestSupport re-exports it.
///
/// Without the privilege or feature a test skips with a reason; with
/// `BPFSH_REQUIRE_KERNEL_TESTS=1` (set by CI, which runs as root) the skip becomes a failure,
/// so a CI run can never pass without exercising the kernel.
public enum KernelTestGate {
    /// True when CI asked for every kernel test to run (`BPFSH_REQUIRE_KERNEL_TESTS=1`).
    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["BPFSH_REQUIRE_KERNEL_TESTS"] == "1"
    }

    /// True when kernel tests are switched off (`BPFSH_SKIP_KERNEL_TESTS=1`, set by
    /// `scripts/test --fast`): they skip even as root. With `isRequired` too, they fail.
    public static var isSwitchedOff: Bool {
        ProcessInfo.processInfo.environment["BPFSH_SKIP_KERNEL_TESTS"] == "1"
    }

    /// Skips (or, when required, fails) unless the test runs as root and kernel tests are
    /// not switched off.
    public static func require(
        _ reason: String = "needs root to load BPF programs (run the tests as root)",
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        try require(
            !isSwitchedOff, "kernel tests are switched off (BPFSH_SKIP_KERNEL_TESTS=1, scripts/test --fast)",
            file: file, line: line)
        try require(geteuid() == 0, reason, file: file, line: line)
    }

    /// Skips (or, when required, fails) unless `condition` holds: for a privilege, kernel
    /// feature or tool (tmux, setpriv) that kernel tests need and the machine lacks.
    public static func require(
        _ condition: Bool, _ reason: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        guard !condition else { return }
        if isRequired {
            XCTFail("kernel tests are required but cannot run: \(reason)", file: file, line: line)
            throw XCTSkip("failed: \(reason)")
        }
        throw XCTSkip(reason)
    }
}
