import Foundation
import XCTest

@testable import Kernel

final class CatalogueFormatTests: XCTestCase {
    typealias Support = KernelCatalogueTestSupport

    func testSchedSwitchFieldsOffsetsAndArrays() {
        let format = TracepointFormatParser.parse(Support.schedSwitchFormat, category: "sched", event: "sched_switch")
        XCTAssertEqual(format.id, 372)
        XCTAssertEqual(format.unparsedLines, [])
        XCTAssertEqual(
            format.fields.map(\.name),
            ["prev_comm", "prev_pid", "prev_prio", "prev_state", "next_comm", "next_pid", "next_prio"])
        XCTAssertEqual(
            format.commonFields.map(\.name),
            ["common_type", "common_flags", "common_preempt_count", "common_pid"])

        let prevComm = format.field(named: "prev_comm")
        XCTAssertEqual(prevComm?.layout, .array(element: "char", count: 16))
        XCTAssertEqual(prevComm?.offset, 8)
        XCTAssertEqual(prevComm?.size, 16)
        XCTAssertEqual(prevComm?.typeName, "char")
        XCTAssertEqual(prevComm?.declaration, "char prev_comm[16]")
        XCTAssertEqual(prevComm?.isString, true)

        let nextPid = format.field(named: "next_pid")
        XCTAssertEqual(nextPid?.typeName, "pid_t")
        XCTAssertEqual(nextPid?.offset, 56)
        XCTAssertEqual(nextPid?.size, 4)
        XCTAssertEqual(nextPid?.isSigned, true)
        XCTAssertEqual(nextPid?.layout, .scalar)

        XCTAssertEqual(format.field(named: "prev_state")?.size, 8)
        XCTAssertEqual(format.field(named: "common_pid")?.offset, 4)
        XCTAssertEqual(format.fixedSize, 64)
        XCTAssertTrue(format.printFormat?.hasPrefix("\"prev_comm=%s") ?? false)
    }

    func testSyscallArgumentsUseTheRecordSizeAndPointers() {
        let format = TracepointFormatParser.parse(
            Support.sysEnterOpenatFormat, category: "syscalls", event: "sys_enter_openat")
        let filename = format.field(named: "filename")
        XCTAssertEqual(filename?.typeName, "const char *")
        XCTAssertEqual(filename?.layout, .pointer)
        XCTAssertEqual(filename?.isPointer, true)
        XCTAssertEqual(filename?.isString, false, "a pointer's text lives in user memory, not in the record")
        XCTAssertEqual(filename?.offset, 24)
        XCTAssertEqual(filename?.size, 8)
        // Declared `int`, stored as 8 bytes: the size must win.
        XCTAssertEqual(format.field(named: "dfd")?.typeName, "int")
        XCTAssertEqual(format.field(named: "dfd")?.size, 8)
        XCTAssertEqual(format.fields.first?.name, "__syscall_nr")
    }

    func testDataLocationStrings() {
        let format = TracepointFormatParser.parse(
            Support.schedProcessExecFormat, category: "sched", event: "sched_process_exec")
        guard let filename = format.field(named: "filename") else { return XCTFail("no filename field") }
        XCTAssertEqual(filename.layout, .dataLocation(element: "char"))
        XCTAssertEqual(filename.typeName, "__data_loc char[]")
        XCTAssertEqual(filename.declaration, "__data_loc char[] filename")
        XCTAssertTrue(filename.isString)
        XCTAssertTrue(filename.isDynamic)
        XCTAssertEqual(filename.offset, 8)
        XCTAssertEqual(filename.size, 4)
        // Low 16 bits: offset from the record start; high 16 bits: length.
        let span = filename.dynamicSpan(locationWord: (13 << 16) | 20)
        XCTAssertEqual(span?.offset, 20)
        XCTAssertEqual(span?.length, 13)
        XCTAssertNil(format.field(named: "pid")?.dynamicSpan(locationWord: 1))
    }

    func testOtherDeclarationShapes() {
        func field(_ line: String) -> TracepointField? {
            TracepointFormatParser.parseField(Substring(line))
        }
        XCTAssertEqual(
            field("field:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;")?.layout,
            .array(element: "unsigned long", count: 6))
        XCTAssertEqual(
            field("field:unsigned long args[];\toffset:24;\tsize:0;\tsigned:0;")?.layout,
            .flexibleArray(element: "unsigned long"))
        XCTAssertEqual(
            field("field:__data_loc cpumask_t cpumask;\toffset:8;\tsize:4;\tsigned:0;")?.layout,
            .dataLocation(element: "cpumask_t"))
        XCTAssertEqual(field("field:__data_loc u64[] stack;\toffset:8;\tsize:4;\tsigned:0;")?.elementType, "u64")
        let relative = field("field:__rel_loc char[] name;\toffset:12;\tsize:4;\tsigned:0;")
        XCTAssertEqual(relative?.layout, .relativeLocation(element: "char"))
        XCTAssertEqual(relative?.dynamicSpan(locationWord: (5 << 16) | 4)?.offset, 12 + 4 + 4)
        XCTAssertEqual(
            field("field:u8 matrix[2][4];\toffset:8;\tsize:8;\tsigned:0;")?.layout,
            .array(element: "u8", count: 8))
        XCTAssertEqual(
            field("field:char comm[TASK_COMM_LEN];\toffset:8;\tsize:16;\tsigned:1;")?.layout,
            .array(element: "char", count: nil))
        XCTAssertEqual(field("field special:struct pt_regs * regs;\toffset:8;\tsize:8;\tsigned:0;")?.isPointer, true)
        XCTAssertEqual(
            field("field:const struct cred * cred;\toffset:8;\tsize:8;\tsigned:0;")?.typeName,
            "const struct cred *")
        // Older kernels print no `signed:`.
        XCTAssertEqual(field("field:int x;\toffset:8;\tsize:4;")?.isSigned, false)
        XCTAssertNil(field("field:int;\toffset:8;\tsize:4;\tsigned:1;"), "no name")
        XCTAssertNil(field("field:int x;\toffset:-8;\tsize:4;\tsigned:1;"), "negative offset")
        XCTAssertNil(field("field:int x;\tsize:4;\tsigned:1;"), "no offset")
    }

    func testUnparsableLinesAreKeptNotFatal() {
        let text = Support.schedSwitchFormat.replacingOccurrences(
            of: "\tfield:int prev_prio;\toffset:28;", with: "\tfield:int prev_prio[;\toffset:28;")
        let format = TracepointFormatParser.parse(text, category: "sched", event: "sched_switch")
        XCTAssertNil(format.field(named: "prev_prio"))
        XCTAssertEqual(format.unparsedLines.count, 1)
        XCTAssertNotNil(format.field(named: "next_pid"))
    }

    // MARK: - Real tracefs

    func testRealSchedSwitchFormat() throws {
        try Support.requireRoot("reading tracefs formats")
        let catalogue = ProbeCatalogue()
        let format = try catalogue.format(category: "sched", event: "sched_switch")
        let prevComm = try XCTUnwrap(format.field(named: "prev_comm"))
        XCTAssertEqual(prevComm.layout, .array(element: "char", count: 16))
        XCTAssertGreaterThan(prevComm.offset, 0)
        XCTAssertEqual(format.field(named: "next_pid")?.size, 4)
        XCTAssertEqual(format.field(named: "next_pid")?.isSigned, true)
        XCTAssertTrue(["int", "pid_t"].contains(format.field(named: "next_pid")?.typeName ?? ""))
        XCTAssertEqual(format.unparsedLines, [])
        XCTAssertEqual(try catalogue.tracepointID(category: "sched", event: "sched_switch"), format.id)
        // Cached: the same value comes back.
        XCTAssertEqual(try catalogue.format(category: "sched", event: "sched_switch"), format)
    }

    func testRealOpenatAndExecFormats() throws {
        try Support.requireRoot("reading tracefs formats")
        let catalogue = ProbeCatalogue()
        let openat = try catalogue.format(category: "syscalls", event: "sys_enter_openat")
        XCTAssertEqual(openat.field(named: "filename")?.typeName, "const char *")
        XCTAssertEqual(openat.field(named: "filename")?.isPointer, true)
        let exec = try catalogue.format(category: "sched", event: "sched_process_exec")
        XCTAssertEqual(exec.field(named: "filename")?.layout, .dataLocation(element: "char"))
    }

    func testEveryRealFormatParsesCompletely() throws {
        try Support.requireRoot("reading tracefs formats")
        let catalogue = ProbeCatalogue()
        var failures: [String] = []
        for name in try catalogue.tracepoints() {
            do {
                let format = try catalogue.format(category: name.category, event: name.event)
                if !format.unparsedLines.isEmpty || format.id == nil || format.commonFields.isEmpty {
                    failures.append("\(name): \(format.unparsedLines)")
                }
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        XCTAssertEqual(failures, [])
    }

    func testMissingAndInvalidTracepoints() throws {
        try Support.requireRoot("reading tracefs")
        let catalogue = ProbeCatalogue()
        XCTAssertThrowsError(try catalogue.format(category: "sched", event: "sched_swich")) { error in
            guard case let CatalogueError.noSuchTracepoint(category, event, _) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(category, "sched")
            XCTAssertEqual(event, "sched_swich")
        }
        XCTAssertThrowsError(try catalogue.format(category: "..", event: "passwd")) { error in
            XCTAssertEqual(error as? CatalogueError, .invalidName(".."))
        }
        XCTAssertThrowsError(try catalogue.tracepointID(category: "sched", event: "a/b"))
    }

    /// A named tracepoint is found from its directory, without reading available_events;
    /// the answers agree with that list.
    func testANamedTracepointIsFoundWithoutTheWholeList() throws {
        try Support.requireRoot("reading tracefs")
        let direct = ProbeCatalogue()
        XCTAssertTrue(direct.hasTracepoint(category: "syscalls", event: "sys_enter_openat"))
        XCTAssertTrue(direct.hasTracepoint(category: "sched", event: "sched_switch"))
        XCTAssertFalse(direct.hasTracepoint(category: "sched", event: "sched_swich"))
        XCTAssertFalse(direct.hasTracepoint(category: "..", event: "sched"))
        // ftrace's events have format files but are not tracepoints one can attach to.
        XCTAssertFalse(direct.hasTracepoint(category: "ftrace", event: "function"))
        let listed = Set(try ProbeCatalogue().tracepoints().map(\.description))
        for name in ["syscalls:sys_enter_openat", "sched:sched_switch", "ftrace:function", "sched:sched_swich"] {
            let parts = name.split(separator: ":").map(String.init)
            XCTAssertEqual(
                ProbeCatalogue().hasTracepoint(category: parts[0], event: parts[1]), listed.contains(name), name)
        }
    }

    func testFakeTraceFSWithoutRoot() throws {
        let fake = try Support.FakeTraceFS(events: [
            "sched:sched_switch": Support.schedSwitchFormat,
            "syscalls:sys_enter_openat": Support.sysEnterOpenatFormat,
        ])
        let catalogue = ProbeCatalogue(traceFS: fake.traceFS)
        XCTAssertEqual(try catalogue.tracepointID(category: "sched", event: "sched_switch"), 372)
        XCTAssertEqual(
            try catalogue.format(category: "syscalls", event: "sys_enter_openat").field(named: "mode")?.size, 8)
        XCTAssertThrowsError(try catalogue.format(category: "sched", event: "sched_wakeup")) { error in
            guard case CatalogueError.noSuchTracepoint = error else { return XCTFail("unexpected \(error)") }
        }
    }
}
