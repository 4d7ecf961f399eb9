import LanguageTestSupport
import XCTest

@testable import Language

/// Forms bpftrace's own tools (`tools/*.bt`) rely on, as the type checker sees them.
final class BpftraceToolFormsTests: XCTestCase {
    private func value(of map: String, in checked: CheckedProgram) -> SType? {
        guard let info = checked.maps.first(where: { $0.name == map }), case .plain(let t) = info.value else {
            return nil
        }
        return t
    }

    /// xfsdist.bt: `@name[0] = ksym(0)` in BEGIN, `@name[tid] = func` in kprobes.
    func testFuncOfAKprobeIsAKsymOfTheFunctionsAddress() throws {
        let checked = try LanguageTests.check("BEGIN { @name[0] = ksym(0); } kprobe:vfs_read { @name[tid] = func; }")
        XCTAssertEqual(value(of: "name", in: checked), .ksym)
        let kprobe = try XCTUnwrap(checked.units.first { $0.target.kind == .kprobe })
        XCTAssertEqual(Set(kprobe.constants.values), [0xffff_ffff_8140_1230])
        // Elsewhere func stays the attach point's text.
        let begin = try LanguageTests.check("BEGIN { @f = func; }")
        XCTAssertEqual(value(of: "f", in: begin), .string(size: 6))
    }

    /// biostacks.bt: `@reqts[$key] = nsecs` with a tuple, then `@reqts[args.dev, args.sector]`.
    func testATupleKeyAndItsPartsNameTheSameKey() throws {
        XCTAssertEqual(
            semanticDiagnostics("BEGIN { $k = (1, 2); @m[$k] = 1; @n = @m[1, 2]; @m[3, 4] = 2; delete(@m, $k); }"), [])
        XCTAssertEqual(semanticDiagnostics("BEGIN { @m[1, 2] = 1; $k = (1, 2); @n = @m[$k]; @m[$k] = 3; }"), [])
        let wrong = semanticDiagnostics("BEGIN { $k = (1, 2); @m[$k] = 1; @n = @m[1, 2, 3]; }").map(\.message)
        XCTAssertEqual(wrong, ["@m has 2 key part(s), used here with 3"], "a tuple key is the key of its parts")
    }

    /// execsnoop.bt, naptime.bt: `ppid` written bare, as bpftrace's stdlib allows.
    func testBarePpidAndPcommAreCalls() throws {
        let checked = try LanguageTests.check("BEGIN { @p = ppid; @c = pcomm; }")
        XCTAssertEqual(value(of: "p", in: checked), .int(bytes: 4, signed: true))
        XCTAssertEqual(value(of: "c", in: checked), .string(size: 16))
        XCTAssertFalse(semanticDiagnostics("BEGIN { @x = printf; }").isEmpty)
    }
}
