import LanguageTestSupport
import XCTest

@testable import Language

/// usermode, uaddr, kfunc_exist/kfunc_allowed and the refused stdlib functions, typed
/// against a catalogue that knows one binary and one kfunc.
final class KernelStdlibFunctionTests: XCTestCase {
    /// The fake kernel, plus `/bin/pie` (PIE: `counter`, 4 bytes, and `probed` at 0x1000),
    /// `/bin/fixed` (linked at fixed addresses) and the kfunc `bpf_ok`, callable by tracepoints only.
    final class Catalogue: ProbeCatalogue {
        let fake = FakeCatalogue()
        var providers: ProviderTable { fake.providers }
        var hasBTF: Bool { true }
        func expand(_ target: ProbeTarget) throws -> [ProbeTarget] { try fake.expand(target) }
        func context(for target: ProbeTarget) throws -> ProbeContext { try fake.context(for: target) }
        func kernelAddress(of symbol: String) -> UInt64? { fake.kernelAddress(of: symbol) }
        func member(of typeName: String, named name: String) -> ContextField? { fake.member(of: typeName, named: name) }
        func userSymbol(named name: String, in binary: String) -> BinarySymbol? {
            guard name == "counter" else { return nil }
            return BinarySymbol(address: 0x4010, size: 4, positionIndependent: binary == "/bin/pie")
        }
        func userProbeAddress(of target: ProbeTarget) -> UInt64? { target.parts == ["/bin/pie", "probed"] ? 0x1000 : nil }
        func kernelFunctionExists(_ name: String) -> Bool { name == "bpf_ok" }
        func kernelFunctionAllowed(_ name: String, in programType: BPFProgramType) -> Bool {
            name == "bpf_ok" && programType == .tracepoint
        }
    }

    private func constants(_ text: String) throws -> [UInt64] {
        let checked = try check(text, catalogue: Catalogue())
        return checked.units.flatMap { $0.constants.values }
    }

    private func errors(_ text: String) -> [String] {
        do {
            _ = try check(text, catalogue: Catalogue())
            return []
        } catch let list as DiagnosticList {
            return list.diagnostics.map(\.message)
        } catch {
            return ["\(error)"]
        }
    }

    func testUsermodeIsKnownWhereTheProbeHasNoRegisters() throws {
        XCTAssertEqual(try constants("BEGIN { @ = usermode; }"), [FunctionDescriptor.UserModeSource.user.rawValue])
        XCTAssertEqual(
            try constants("t:sched:sched_switch { @ = usermode(); }"), [FunctionDescriptor.UserModeSource.kernel.rawValue])
        XCTAssertEqual(
            try constants("uprobe:/bin/pie:probed { @ = __builtin_usermode; }"),
            [FunctionDescriptor.UserModeSource.register.rawValue])
    }

    func testUaddrIsTheELFAddressOrItsDistanceFromTheProbe() throws {
        XCTAssertEqual(try constants("uprobe:/bin/fixed:f { @ = *uaddr(\"counter\"); }"), [0x4010])
        XCTAssertEqual(try constants("uprobe:/bin/pie:probed { @ = *uaddr(\"counter\"); }"), [0x3010])
        let checked = try check("uprobe:/bin/pie:probed { @ = sizeof(*uaddr(\"counter\")); }", catalogue: Catalogue())
        XCTAssertTrue(checked.units[0].constants.values.contains(4), "a 4-byte symbol is a uint32 *")
        XCTAssertEqual(errors("uprobe:/bin/fixed:f { @ = uaddr(\"nothing\"); }"), ["Could not resolve symbol: /bin/fixed:nothing"])
        XCTAssertTrue(errors("uretprobe:/bin/pie:probed { @ = uaddr(\"counter\"); }")[0].contains("loaded at an address chosen"))
        XCTAssertEqual(
            errors("BEGIN { @ = uaddr(\"counter\"); }"), ["uaddr() is only available in uprobe, uretprobe and usdt probes"])
    }

    func testKfuncQuestionsAreAnsweredWhenCompiling() throws {
        XCTAssertEqual(try constants("t:sched:sched_switch { @ = kfunc_exist(\"bpf_ok\"); }"), [1])
        XCTAssertEqual(try constants("t:sched:sched_switch { @ = kfunc_exist(\"bpf_no\"); }"), [0])
        XCTAssertEqual(try constants("t:sched:sched_switch { @ = kfunc_allowed(\"bpf_ok\"); }"), [1])
        XCTAssertEqual(try constants("BEGIN { @ = kfunc_allowed(\"bpf_ok\"); }"), [0])
        XCTAssertEqual(
            errors("BEGIN { $n = \"bpf_ok\"; @ = kfunc_exist($n); }"), ["kfunc_exist() accepts a string literal only"])
    }

    func testMacaddrTakesSixBytesOrAnAddress() {
        XCTAssertEqual(errors("BEGIN { @ = macaddr(\"abcdef\"); }"), ["macaddr() does not support literal string arguments"])
        XCTAssertEqual(errors("t:sched:sched_switch { @ = macaddr(args.prev_comm); }"), [])
        XCTAssertEqual(errors("BEGIN { @ = macaddr(0x1000); }"), [])
    }

    func testUnsupportedFunctionsAreTypedThenRefusedWithTheReason() {
        XCTAssertTrue(errors("BEGIN { unwatch(0); }")[0].contains("no watchpoint probes"))
        let dw = errors("BEGIN { @[dw_ustack(3)] = count(); }")
        XCTAssertEqual(dw.count, 1)
        XCTAssertTrue(dw[0].contains("use ustack"))
        XCTAssertTrue(errors("BEGIN { dw_ustack(500); }").contains("the stack limit must be between 1 and 127"))
        XCTAssertTrue(errors("t:sched:sched_switch { @ = socket_cookie(0); }")[0].contains("only fentry, fexit and tp_btf"))
    }
}
