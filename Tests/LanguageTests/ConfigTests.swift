import LanguageTestSupport
import XCTest

@testable import Language

/// `config = { ... }` blocks: parsing, checking against the table, precedence, and the
/// variables the type checker honours.
final class ConfigTests: XCTestCase {
    func testBlocksParseInEverySpelling() throws {
        let program = try parse(
            "config = {\n  missing_probes = ignore;\n  BPFTRACE_MAX_MAP_KEYS=2; STACK_MODE = \"perf\"\n}\nBEGIN { }")
        XCTAssertEqual(program.config.map(\.name), ["missing_probes", "BPFTRACE_MAX_MAP_KEYS", "STACK_MODE"])
        XCTAssertEqual(program.config.map(\.value), ["ignore", "2", "perf"])
        XCTAssertEqual(program.probes.count, 1)
        let text = "config={max_strlen=8}BEGIN { }"
        let compact = try parse(text)
        XCTAssertEqual(sourceText(of: compact.config[0].range, in: text), "max_strlen=8")
        XCTAssertEqual(
            parseErrorMessage("config = { max_strlen }\nBEGIN { }", at: "} #1"),
            "expected '=' after the config variable 'max_strlen', found '}'")
    }

    func testEffectiveConfigAndWarnings() throws {
        let checked = try check(
            "config = { max_map_keys = 16; stack_mode = perf; print_maps_on_exit = false; cpp_demangle = false }\nBEGIN { }")
        XCTAssertEqual(checked.config.maxMapKeys, 16)
        XCTAssertFalse(checked.config.printMapsOnExit)
        XCTAssertEqual(checked.config.stackMode, .perf)
        XCTAssertEqual(
            checked.warnings.map(\.message),
            ["config variable 'cpp_demangle' is accepted but ignored: bpfsh always demangles C++ names"])
        XCTAssertEqual(checked.warnings[0].severity, .warning)
    }

    func testTheSessionsSettingsWin() throws {
        var options = SemanticAnalyzer.Options()
        options.config =
            ProgramConfig.fromEnvironment(["BPFTRACE_MAX_MAP_KEYS": "99", "BPFTRACE_NOT_A_VARIABLE": "1"]).config
        XCTAssertEqual(try check("config = { max_map_keys = 16 }\nBEGIN { }", options: options).config.maxMapKeys, 99)
        XCTAssertEqual(
            ProgramConfig.fromEnvironment(["BPFTRACE_CPP_DEMANGLE": "maybe"]).problems,
            ["BPFTRACE_CPP_DEMANGLE=maybe is not true or false; ignored"])
    }

    func testUnknownNamesAndBadValuesAreErrorsAtTheirRange() {
        XCTAssertEqual(
            semanticErrors("config = { max_map_keyz = 1 }\nBEGIN { }", at: ["max_map_keyz = 1"]),
            ["unknown config variable 'max_map_keyz'"])
        XCTAssertEqual(
            semanticErrors("config = { missing_probes = sometimes }\nBEGIN { }", at: ["sometimes"]),
            ["Invalid value for missing_probes. Found: sometimes. Valid values: error, warn, ignore"])
    }

    func testMissingProbes() throws {
        let program = "tracepoint:nosuch:event { } BEGIN { }"
        XCTAssertFalse(semanticErrors(program).isEmpty)
        let warned = try check("config = { missing_probes = warn }\n" + program)
        XCTAssertEqual(warned.units.count, 1)
        // bpftrace's two warnings: the attach point skipped, then its probe removed.
        XCTAssertEqual(warned.warnings.count, 2)
        XCTAssertEqual(
            sourceText(of: warned.warnings[0].range, in: "config = { missing_probes = warn }\n" + program),
            "tracepoint:nosuch:event")
        XCTAssertTrue(warned.warnings[0].message.hasSuffix(". Skipping."), warned.warnings[0].message)
        XCTAssertEqual(
            warned.warnings[1].message,
            "Probe has no valid attach points. It is being removed which may cause issues with program behavior.")
        let ignored = try check("config = { missing_probes = ignore }\n" + program)
        XCTAssertEqual(ignored.units.count, 1)
        XCTAssertTrue(ignored.warnings.isEmpty)
        XCTAssertEqual(
            semanticErrors("config = { missing_probes = ignore }\ntracepoint:nosuch:event { }"),
            ["No probes to attach"])
    }

    func testProbeLimits() {
        XCTAssertEqual(
            semanticErrors("config = { max_probes = 1 }\nBEGIN { } END { }"),
            ["this program expands to 2 probes, more than max_probes (1)"])
    }

    func testMaxStrlenSizesStr() throws {
        let checked = try check("config = { max_strlen = 8 }\nk:vfs_read { @s = str(arg0); }")
        XCTAssertEqual(checked.maps.first?.value, .plain(.string(size: 8)))
    }

    func testEveryDocumentedVariableHasARow() {
        let documented = [
            "cache_user_symbols", "cpp_demangle", "lazy_symbolication", "license", "log_size", "max_bpf_progs",
            "max_cat_bytes", "max_map_keys", "max_probes", "max_strlen", "missing_probes", "on_stack_limit",
            "perf_rb_pages", "show_debug_info", "stack_mode", "str_trunc_trailer", "print_maps_on_exit",
            "unstable_tseries", "unstable_dw_ustack",
        ]
        for name in documented { XCTAssertNotNil(ConfigTable.builtin[name], name) }
        for row in ConfigTable.builtin.variables {
            XCTAssertNotNil(row.parse(row.defaultValue), "\(row.name)'s default must be a valid value")
        }
    }
}
