import TestSupport
import XCTest

@testable import Kernel

final class CatalogueBTFTests: XCTestCase {
    func loadBTF() throws -> VmlinuxBTF {
        try KernelTestGate.require(
            SystemFile.exists(VmlinuxBTF.defaultPath), "this kernel has no \(VmlinuxBTF.defaultPath)")
        return try VmlinuxBTF.shared()
    }

    func testPresenceIsToldFromTheMagicNumberWithoutLoading() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bpfsh-btf-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The magic number, then nothing libbpf can parse.
        let truncated = directory.appendingPathComponent("truncated").path
        try Data([0x9F, 0xEB, 1, 0, 24, 0, 0, 0]).write(to: URL(fileURLWithPath: truncated))
        let other = directory.appendingPathComponent("other").path
        try Data("not btf".utf8).write(to: URL(fileURLWithPath: other))

        XCTAssertTrue(VmlinuxBTF.isPresent(path: truncated), "told by the magic number alone")
        XCTAssertFalse(VmlinuxBTF.isPresent(path: other))
        XCTAssertFalse(VmlinuxBTF.isPresent(path: directory.appendingPathComponent("missing").path))
        // Had the question loaded the file, its failure would have been remembered: it was not.
        XCTAssertThrowsError(try VmlinuxBTF.shared(path: truncated))
        XCTAssertFalse(VmlinuxBTF.isPresent(path: truncated), "once loading failed, the answer is that failure")
    }

    func testSchedSwitchArguments() throws {
        let btf = try loadBTF()
        let arguments = try btf.tracepointArguments("sched_switch")
        XCTAssertEqual(arguments.map(\.name), ["preempt", "prev", "next", "prev_state"])
        XCTAssertEqual(
            arguments.map(\.typeName), ["bool", "struct task_struct *", "struct task_struct *", "unsigned int"])
        XCTAssertEqual(arguments.map(\.size), [1, 8, 8, 4])
        XCTAssertEqual(arguments.map(\.isPointer), [false, true, true, false])
        XCTAssertEqual(arguments.map(\.isSigned), [false, false, false, false])
        XCTAssertEqual(arguments[1].declaration, "struct task_struct * prev")
        XCTAssertGreaterThan(try btf.tracepointTypeID("sched_switch"), 0)
    }

    func testNamesFromEventClassAndSignedness() throws {
        let btf = try loadBTF()
        // sched_wakeup shares its class (sched_wakeup_template) with other events.
        XCTAssertEqual(try btf.tracepointArguments("sched_wakeup").map(\.name), ["p"])
        let enter = try btf.tracepointArguments("sys_enter")
        XCTAssertEqual(enter.map(\.name), ["regs", "id"])
        XCTAssertEqual(enter.last?.isSigned, true)
        XCTAssertEqual(enter.last?.typeName, "long int", "BTF spells it as the compiler does")
    }

    func testCatalogueFacade() throws {
        _ = try loadBTF()
        let catalogue = ProbeCatalogue(traceFS: TraceFS(root: "/nonexistent"))
        let names = try catalogue.rawTracepoints()
        XCTAssertGreaterThan(names.count, 500)
        XCTAssertTrue(names.contains("sched_switch"))
        XCTAssertEqual(names, names.sorted())
        XCTAssertEqual(
            try catalogue.tracepointBTFTypeID("sched_switch"), try VmlinuxBTF.shared().tracepointTypeID("sched_switch"))
        XCTAssertThrowsError(try catalogue.rawTracepointArguments("no_such_tracepoint")) { error in
            XCTAssertEqual(error as? CatalogueError, .btf(.noSuchTracepoint("no_such_tracepoint")))
        }
        XCTAssertNotNil(try VmlinuxBTF.shared().functionID("vfs_read"))
        XCTAssertNil(try VmlinuxBTF.shared().functionID("no_such_function_xyz"))
    }

    func testStructMembers() throws {
        let btf = try loadBTF()
        let pid = try XCTUnwrap(btf.member(of: "struct task_struct", named: "pid"))
        XCTAssertEqual(pid.typeName, "pid_t")
        XCTAssertEqual(pid.size, 4)
        XCTAssertTrue(pid.isSigned)
        XCTAssertGreaterThan(pid.offset, 0)
        XCTAssertEqual(pid.bitOffset, pid.offset * 8)
        let comm = try XCTUnwrap(btf.member(of: "task_struct", named: "comm"))
        XCTAssertEqual(comm.arrayCount, 16)
        XCTAssertEqual(comm.elementTypeName, "char")
        let mm = try XCTUnwrap(btf.member(of: "struct task_struct", named: "mm"))
        XCTAssertTrue(mm.isPointer)
        XCTAssertEqual(mm.typeName, "struct mm_struct *")
        XCTAssertEqual(mm.recordName, "struct mm_struct")
        // `next` sits in anonymous unions/structs at the top of sk_buff; C code names it directly.
        XCTAssertEqual(btf.member(of: "struct sk_buff", named: "next")?.offset, 0)
        XCTAssertNil(btf.member(of: "struct task_struct", named: "no_such_member"))
        XCTAssertNil(btf.members(of: "struct no_such_struct_xyz"))
        XCTAssertNil(btf.members(of: "pid_t"), "a typedef of an int is not a record")
    }

    func testMissingBTFIsAValue() {
        XCTAssertThrowsError(try VmlinuxBTF(path: "/nonexistent/vmlinux")) { error in
            XCTAssertEqual(error as? BTFError, .missing(path: "/nonexistent/vmlinux"))
        }
    }
}
