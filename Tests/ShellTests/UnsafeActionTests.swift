import LanguageTestSupport
import Session
import Shell
import TestSupport
import XCTest

/// `system()` and `signal()` act on the machine as root: a session refuses them unless it
/// was started with --unsafe (TracingSession.Options.allowUnsafe), in the shell as in -e.
final class UnsafeActionTests: XCTestCase {
    func shell(unsafe: Bool, out: @escaping (String) -> Void, err: @escaping (String) -> Void) -> (Shell, FakeKernel) {
        let kernel = FakeKernel()
        var options = TracingSession.Options()
        options.allowUnsafe = unsafe
        var shell: Shell!
        let session = TracingSession(
            backend: kernel, catalogue: FakeCatalogue(), options: options, write: { shell?.probeOutput($0) })
        shell = Shell(session: session, reader: NoInputReader(), output: out, errors: err)
        return (shell, kernel)
    }

    let unsafePrograms = [
        (
            "sys", "tracepoint:sched:sched_switch { system(\"id\"); }",
            "system() is unsafe. To use you need the --unsafe flag (it runs commands as root)"
        ),
        (
            "sig", "tracepoint:sched:sched_switch { signal(\"SIGKILL\"); }",
            "signal() is unsafe. To use you need the --unsafe flag (it kills or stops processes)"
        ),
        (
            "wu", "tracepoint:sched:sched_switch { write_user(0x1000, \"x\", 1); }",
            "write_user() is unsafe. To use you need the --unsafe flag (it writes into the memory of running processes)"
        ),
    ]

    func testRefusedWithoutUnsafe() {
        var out = "", err = ""
        let (shell, kernel) = shell(unsafe: false, out: { out += $0 }, err: { err += $0 })
        for (name, program, message) in unsafePrograms {
            shell.execute("\(name) = \(program)")
            XCTAssertTrue(err.contains(message), err)
            XCTAssertNil(shell.session.probe(named: name), "\(name) was not defined")
        }
        // A pasted program gets no pass either.
        shell.execute(unsafePrograms[0].1)
        XCTAssertTrue(shell.session.probes.isEmpty)
        XCTAssertTrue(kernel.attached.isEmpty, "nothing reached the kernel")
        XCTAssertFalse(out.contains("attached"), out)
    }

    func testAllowedWithUnsafe() {
        var out = "", err = ""
        let (shell, _) = shell(unsafe: true, out: { out += $0 }, err: { err += $0 })
        for (name, program, _) in unsafePrograms {
            shell.execute("\(name) = \(program)")
            XCTAssertNotNil(shell.session.probe(named: name), "\(name): \(err)")
        }
        XCTAssertEqual(err, "")
    }
}
