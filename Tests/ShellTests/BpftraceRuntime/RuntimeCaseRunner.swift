import Foundation

/// Runs one `RuntimeCase` against an executable the way bpftrace's engine
/// (`tests/runtime/engine/runner.py`) runs it against bpftrace, and says whether it passed.
///
/// What the engine does and this runner does too: the program runs through `/bin/sh -c`
/// (PROG as `BIN -e 'PROG'`, RUN with `{{BPFTRACE}}` replaced), stdout and stderr merged, in
/// its own process group, with the engine's environment (`__BPFTRACE_NOTIFY_PROBES_ATTACHED`
/// and ENV). It gets 10 seconds to print the attach notice, then TIMEOUT seconds; AFTER runs
/// once the notice is seen. A run that times out is stopped with SIGTERM (SIGKILL a second
/// later) and its output still checked, without its exit status. Otherwise the status must be
/// RETURN_CODE (any failure with WILL_FAIL) and every EXPECT must hold.
/// Where it differs: `--verify-llvm-ir` is not passed (bpfsh verifies every module anyway),
/// REQUIRES_FEATURE and NEW_PIDNS cases are skipped (none is in scope), AOT is not run.
struct RuntimeCaseRunner {
    enum Status: Equatable {
        case passed
        case failed(String)
        case timedOut(String)
        case skipped(String)

        var passed: Bool { self == .passed }
    }

    /// The executable run as `bpftrace` (a link of that name, so `comm` is "bpftrace").
    var executable: String
    /// Where EXPECT_FILE/EXPECT_JSON paths and relative commands are resolved: tests/.
    var directory: String
    var attachTimeout = 10.0
    static let notice = "__BPFTRACE_NOTIFY_PROBES_ATTACHED"

    func run(_ item: RuntimeCase) -> (status: Status, output: String) {
        if let skip = skipReason(item) { return (.skipped(skip), "") }
        if !item.setup.isEmpty, shell(item.setup) != 0 { return (.failed("SETUP failed: \(item.setup)"), "") }
        defer { if !item.cleanup.isEmpty { _ = shell(item.cleanup) } }
        var befores: [pid_t] = []
        defer { for pid in befores { Self.stop(group: pid, grace: 1) } }
        for before in item.befores {
            guard let pid = spawn(before.split(separator: " ").map(String.init), environment: nil) else {
                return (.failed("BEFORE could not start: \(before)"), "")
            }
            befores.append(pid.pid)
            close(pid.output)
            let name = String(
                (before.split(separator: " ").last.map(String.init) ?? "").split(separator: "/").last ?? "")
            if !Self.waitForComm(pid.pid, String(name.prefix(15)), timeout: Double(item.timeout)) {
                return (.failed("timed out waiting for BEFORE \(before)"), "")
            }
        }
        var command = command(for: item)
        if let first = befores.first { command = command.replacingOccurrences(of: "{{BEFORE_PID}}", with: "\(first)") }
        var environment = [
            "test": item.name, "\(Self.notice)": "1", "__BPFTRACE_NOTIFY_AOT_PORTABILITY_DISABLED": "1",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        environment.merge(item.environment) { _, new in new }
        guard let child = spawn(["/bin/sh", "-c", command], environment: environment) else {
            return (.failed("could not start \(command)"), "")
        }
        var output = Data()
        var attached = false
        var deadline = Date().addingTimeInterval(attachTimeout)
        var afterPID: pid_t? = nil
        var timedOut = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 {
                timedOut = true
                break
            }
            var descriptor = pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(Swift.min(remaining, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { break }
            if ready <= 0 { continue }
            let count = read(child.output, &buffer, buffer.count)
            if count <= 0 { break }
            output.append(contentsOf: buffer[0..<count])
            if !attached, String(decoding: output, as: UTF8.self).contains(Self.notice + "\n") {
                attached = true
                if item.hasExactExpect {
                    // The engine drops what came before the notice.
                    let text = String(decoding: output, as: UTF8.self)
                    let end = text.range(of: Self.notice + "\n")!.upperBound
                    output = Data(text[end...].utf8)
                }
                deadline = Date().addingTimeInterval(Double(item.timeout))
                if !item.after.isEmpty { afterPID = spawn(["/bin/sh", "-c", item.after], environment: nil)?.pid }
            }
        }
        if timedOut {
            // SIGTERM first, so the program ends cleanly and prints its maps.
            kill(-child.pid, SIGTERM)
            output.append(Self.drain(child.output, seconds: 1))
        }
        close(child.output)
        let status = Self.stop(group: child.pid, grace: timedOut ? 0 : 0.2) ?? Self.wait(child.pid)
        if let afterPID { Self.stop(group: afterPID, grace: 1) }
        let text = String(decoding: output, as: UTF8.self)
        let failures = item.expects.filter { !check($0, text) }
        if timedOut {
            return failures.isEmpty ? (.passed, text) : (.timedOut("timed out after \(item.timeout) s"), text)
        }
        if status != Int32(item.returnCode) && !item.willFail {
            return (.failed("exit status \(status)"), text)
        }
        if status == 0 && item.willFail { return (.failed("exit status 0, expected a failure (WILL_FAIL)"), text) }
        if let first = failures.first {
            return (.failed("expected \(first.mode.rawValue) '\(first.text)'"), text)
        }
        return (.passed, text)
    }

    func command(for item: RuntimeCase) -> String {
        if !item.run.isEmpty {
            return item.run.replacingOccurrences(of: "{{BPFTRACE}}", with: executable)
        }
        let json = item.expects.first?.mode == .json ? " -q -f json" : ""
        let escaped = item.prog.replacingOccurrences(of: "'", with: "'\\''")
        return "\(executable)\(json) -e '\(escaped)'"
    }

    private func skipReason(_ item: RuntimeCase) -> String? {
        let release = Self.kernelRelease
        if !item.minKernel.isEmpty, Self.version(release).lexicographicallyPrecedes(Self.version(item.minKernel)) {
            return "needs kernel \(item.minKernel)"
        }
        if !item.maxKernel.isEmpty, Self.version(item.maxKernel).lexicographicallyPrecedes(Self.version(release)) {
            return "needs kernel at most \(item.maxKernel)"
        }
        if let (name, value) = item.skipIfEnvironmentHas, ProcessInfo.processInfo.environment[name] == value {
            return "disabled by \(name)=\(value)"
        }
        for requirement in item.requires where shell(requirement) != 0 {
            return "unmet condition: \(requirement)"
        }
        if !item.features.isEmpty { return "REQUIRES_FEATURE is not evaluated" }
        if item.newPIDNamespace { return "NEW_PIDNS is not run" }
        return nil
    }

    /// Whether the output satisfies one expectation, with the engine's regular expressions:
    /// EXPECT is a whole line (surrounding whitespace ignored), EXPECT_REGEX is searched.
    func check(_ expectation: RuntimeCase.Expectation, _ output: String) -> Bool {
        func search(_ pattern: String) -> Bool {
            guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else {
                return false
            }
            return regex.firstMatch(in: output, range: NSRange(output.startIndex..., in: output)) != nil
        }
        let line = "^\\s*" + NSRegularExpression.escapedPattern(for: expectation.text) + "\\s*$"
        switch expectation.mode {
        case .text: return search(line)
        case .textNone: return !search(line)
        case .regex: return search(expectation.text)
        case .regexNone: return !search(expectation.text)
        case .file:
            let path = URL(fileURLWithPath: directory).appendingPathComponent(expectation.text).path
            guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
            return output.trimmingCharacters(in: .whitespacesAndNewlines)
                == expected.trimmingCharacters(in: .whitespacesAndNewlines)
        case .json:
            let path = URL(fileURLWithPath: directory).appendingPathComponent(expectation.text).path
            guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
            let outputLines = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
            let expectedLines =
                path.hasSuffix(".ndjson")
                ? expected.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n")
                : [Substring(expected)]
            guard outputLines.count == expectedLines.count else { return false }
            return zip(outputLines, expectedLines).allSatisfy { Self.sameJSON(String($0), String($1)) }
        }
    }

    static func sameJSON(_ a: String, _ b: String) -> Bool {
        guard let x = try? JSONSerialization.jsonObject(with: Data(a.utf8), options: [.fragmentsAllowed]),
            let y = try? JSONSerialization.jsonObject(with: Data(b.utf8), options: [.fragmentsAllowed])
        else { return false }
        return (x as? NSObject)?.isEqual(y) ?? false
    }

    // MARK: processes

    /// Starts a command in a process group of its own, stdout and stderr into one pipe.
    private func spawn(_ arguments: [String], environment: [String: String]?) -> (pid: pid_t, output: Int32)? {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        // Every command runs from tests/, as the engine's do (posix_spawn has no portable chdir).
        let command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + arguments
        let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp)
        close(pipeEnds[1])
        guard result == 0 else {
            close(pipeEnds[0])
            return nil
        }
        return (pid, pipeEnds[0])
    }

    private func shell(_ command: String) -> Int32 {
        guard let child = spawn(["/bin/sh", "-c", command], environment: nil) else { return -1 }
        _ = Self.drain(child.output, seconds: 60)
        close(child.output)
        return Self.wait(child.pid)
    }

    /// Reads what a pipe still holds, for at most `seconds`.
    private static func drain(_ descriptor: Int32, seconds: Double) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(seconds)
        while deadline.timeIntervalSinceNow > 0 {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&entry, 1, Int32(deadline.timeIntervalSinceNow * 1000) + 1) <= 0 { break }
            let count = read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        return data
    }

    /// Waits up to `grace` seconds for a process to end, then kills its whole group; returns
    /// the exit status when the process was reaped here.
    @discardableResult
    private static func stop(group pid: pid_t, grace: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(grace)
        var status: Int32 = 0
        var reaped = waitpid(pid, &status, WNOHANG) == pid
        while !reaped && deadline.timeIntervalSinceNow > 0 {
            usleep(10_000)
            reaped = waitpid(pid, &status, WNOHANG) == pid
        }
        kill(-pid, SIGKILL)
        return reaped ? exitStatus(status) : nil
    }

    /// The exit status, or 128 + the signal, as a shell reports it.
    private static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return exitStatus(status)
    }

    private static func exitStatus(_ status: Int32) -> Int32 {
        status & 0x7f == 0 ? (status >> 8) & 0xff : -(status & 0x7f)
    }

    private static func waitForComm(_ pid: pid_t, _ name: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while deadline.timeIntervalSinceNow > 0 {
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            if comm.trimmingCharacters(in: .whitespacesAndNewlines) == name { return true }
            usleep(100_000)
        }
        return false
    }

    static var kernelRelease: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// The numeric parts of a version, compared as the engine's LooseVersion compares them.
    static func version(_ text: String) -> [Int] {
        text.split { !$0.isNumber }.prefix(3).map { Int($0) ?? 0 }
    }
}
