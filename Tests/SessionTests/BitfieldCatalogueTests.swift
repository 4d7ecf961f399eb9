import Kernel
import Language
import Session
import XCTest

/// The kernel's bitfields reach the type checker as integers of their declared type with the
/// bits to take, found through anonymous structs and unions as C names them.
final class BitfieldCatalogueTests: XCTestCase {
    func testKernelBitfieldsAreIntegersWithTheirBits() throws {
        try XCTSkipUnless(VmlinuxBTF.isPresent(), "no vmlinux BTF")
        let btf = try VmlinuxBTF.shared()
        let catalogue = LiveCatalogue()
        var checked = 0
        for (record, name) in [("struct task_struct", "in_execve"), ("struct sock", "sk_scm_credentials")] {
            guard let member = btf.member(of: record, named: name), member.bitfieldSize > 0 else {
                continue  // another kernel may lay the struct out differently
            }
            let field = try XCTUnwrap(catalogue.member(of: record, named: name), name)
            let bitfield = try XCTUnwrap(field.bitfield, name)
            XCTAssertEqual(field.kind, .integer(signed: false), name)
            XCTAssertEqual(bitfield.width, member.bitfieldSize, name)
            XCTAssertEqual(field.offset * 8 + bitfield.shift, member.bitOffset, name)
            XCTAssertGreaterThanOrEqual(bitfield.bytes * 8, bitfield.shift + bitfield.width, name)
            checked += 1
        }
        XCTAssertGreaterThan(checked, 0, "this kernel's task_struct and sock have bitfields")
        let pid = try XCTUnwrap(catalogue.member(of: "struct task_struct", named: "pid"))
        XCTAssertNil(pid.bitfield, "an ordinary member")
    }
}
