import Kernel
import TestSupport
import XCTest

/// Reading effective capabilities and saying what is missing.
final class PrivilegesTests: XCTestCase {
    let rootStatus =
        "Name:\tbpfsh\nUmask:\t0022\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
        + "CapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\n"

    func testParsesCapEff() throws {
        let root = try XCTUnwrap(Privileges.parse(status: rootStatus))
        XCTAssertEqual(root.effective, 0x1ff_ffff_ffff)
        XCTAssertTrue(root.canTrace)
        XCTAssertEqual(root.missingForTracing, [])
        XCTAssertNil(root.startupReport)
        XCTAssertNil(root.explainDenied("loading BPF programs"))
    }

    func testRejectsMalformedStatus() {
        XCTAssertNil(Privileges.parse(status: ""))
        XCTAssertNil(Privileges.parse(status: "CapPrm:\t0000000000000000\n"))
        XCTAssertNil(Privileges.parse(status: "CapEff:\t\n"))
        XCTAssertNil(Privileges.parse(status: "CapEff:\tzzzz\n"))
        XCTAssertNil(Privileges.parse(status: "CapEff:\t00000000000000000001\n"), "more than 64 bits")
        XCTAssertEqual(Privileges.parse(status: "CapEff: 0000000000000001 \n")?.effective, 1)
    }

    func mask(_ capabilities: [Privileges.Capability]) -> Privileges {
        Privileges(effective: capabilities.reduce(0) { $0 | (1 << UInt64($1.rawValue)) })
    }

    func testNamesWhatIsMissing() throws {
        let none = mask([])
        XCTAssertEqual(none.missingForTracing, [.bpf, .perfmon])
        let report = try XCTUnwrap(none.startupReport)
        XCTAssertTrue(report.contains("lacks CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN would also do)"), report)
        XCTAssertTrue(report.contains("help") && report.contains("load") && report.contains("tutorials"), report)
        XCTAssertEqual(
            none.explainDenied("creating map m_n"),
            "creating map m_n needs CAP_BPF and CAP_PERFMON, which this process lacks (run as root, or grant them)")

        XCTAssertEqual(mask([.bpf]).missingForTracing, [.perfmon])
        XCTAssertEqual(mask([.perfmon]).missingForTracing, [.bpf])
        XCTAssertEqual(mask([.bpf, .perfmon]).missingForTracing, [])
        XCTAssertTrue(mask([.bpf, .perfmon]).canTrace)
        XCTAssertEqual(mask([.sysAdmin]).missingForTracing, [], "CAP_SYS_ADMIN stands in for both")
        XCTAssertEqual(mask([.bpf, .perfmon]).missingOptional.map(\.0), [.sysAdmin, .syslog, .sysPtrace])
        XCTAssertEqual(Privileges.parse(status: "CapEff:\t000000c000000000\n")?.missingForTracing, [], "bits 38 and 39")
    }

    func testThisProcess() throws {
        // The test runner as root holds everything; the gate skips elsewhere (fails in CI).
        try KernelTestGate.require()
        XCTAssertTrue(Privileges.current().canTrace)
    }
}
