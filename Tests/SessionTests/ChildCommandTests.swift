import XCTest

@testable import Session

/// `-c` runs a plain command line directly, as bpftrace does, and keeps /bin/sh for shell syntax.
final class ChildCommandTests: XCTestCase {
    func testAPlainCommandLineIsExecutedDirectlyFromPath() throws {
        let (program, arguments) = try ChildCommand.invocation(for: "sleep  1\t2", path: "/nonexistent:/usr/bin:/bin")
        XCTAssertEqual(program, "/usr/bin/sleep")
        XCTAssertEqual(arguments, ["sleep", "1", "2"])
    }

    func testAPathIsUsedAsGiven() throws {
        let (program, arguments) = try ChildCommand.invocation(for: "/bin/true now", path: "")
        XCTAssertEqual(program, "/bin/true")
        XCTAssertEqual(arguments, ["/bin/true", "now"])
    }

    func testShellSyntaxGoesThroughTheShell() throws {
        for command in ["echo hi | cat", "ls > /dev/null", "echo $HOME", "echo 'a b'", "A=1 env"] {
            let (program, arguments) = try ChildCommand.invocation(for: command, path: "/usr/bin")
            XCTAssertEqual(program, "/bin/sh", command)
            XCTAssertEqual(arguments, ["sh", "-c", "exec " + command])
        }
    }

    func testAMissingOrEmptyCommandSaysWhy() {
        XCTAssertThrowsError(try ChildCommand.invocation(for: "no-such-program-xyz", path: "/usr/bin")) {
            XCTAssertEqual($0 as? ChildCommandError, .notFound("no-such-program-xyz"))
        }
        let plainFile = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-not-a-program-\(getpid())").path
        FileManager.default.createFile(atPath: plainFile, contents: Data("x".utf8), attributes: [.posixPermissions: 0o644])
        defer { try? FileManager.default.removeItem(atPath: plainFile) }
        XCTAssertThrowsError(try ChildCommand.invocation(for: plainFile, path: nil)) {
            XCTAssertEqual($0 as? ChildCommandError, .notExecutable(plainFile))
        }
        XCTAssertThrowsError(try ChildCommand.invocation(for: "   ", path: nil)) {
            XCTAssertEqual($0 as? ChildCommandError, .empty)
        }
    }
}
