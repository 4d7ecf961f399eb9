import Language
import LanguageTestSupport
import Session
import Shell
import TestSupport
import XCTest

/// The `config` command against the in-memory kernel: values set for the session reach the
/// probes defined afterwards.
final class ConfigCommandTests: XCTestCase {
    private var out = ""
    private var err = ""

    private func run(_ lines: [String]) -> Shell {
        out = ""
        err = ""
        var shell: Shell!
        let session = TracingSession(
            backend: FakeKernel(), catalogue: FakeCatalogue(), write: { shell?.probeOutput($0) })
        session.options.config = ProgramConfig()
        shell = Shell(
            session: session, reader: ShellCommandTests.ScriptReader(lines), output: { [unowned self] in out += $0 },
            errors: { [unowned self] in err += $0 })
        shell.run()
        return shell
    }

    func testShowSetAndReset() {
        let shell = run(["config", "config MAX_MAP_KEYS 128", "config max_map_keys", "config cpp_demangle false"])
        XCTAssertEqual(err, "")
        XCTAssertTrue(out.contains("missing_probes"), out)
        XCTAssertTrue(out.contains("max_map_keys = 128 for probes defined from now on"), out)
        XCTAssertTrue(out.contains("environment: BPFTRACE_MAX_MAP_KEYS; honoured"), out)
        XCTAssertTrue(out.contains("note: bpfsh ignores cpp_demangle"), out)
        XCTAssertEqual(shell.session.options.config.maxMapKeys, 128)
        _ = run(["config max_map_keys --reset"])
        XCTAssertTrue(out.contains("max_map_keys = 4096 (default)"), out)
    }

    func testSessionValuesReachLaterProbes() throws {
        let shell = run(["config max_map_keys 7", "p = tracepoint:sched:sched_switch { @m[pid] = count(); }"])
        XCTAssertEqual(err, "")
        let probe = try XCTUnwrap(shell.session.probe(named: "p"))
        XCTAssertEqual(probe.compiled.maps.first { $0.name == "@m" }?.maxEntries, 7)
    }

    func testErrors() {
        _ = run(["config max_map_keyz 1", "config missing_probes sometimes"])
        XCTAssertTrue(err.contains("unknown config variable 'max_map_keyz'; did you mean max_map_keys?"), err)
        XCTAssertTrue(
            err.contains("Invalid value for missing_probes. Found: sometimes. Valid values: error, warn, ignore"), err)
    }
}
