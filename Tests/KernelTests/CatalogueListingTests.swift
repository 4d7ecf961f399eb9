import XCTest

@testable import Kernel

final class CatalogueListingTests: XCTestCase {
    typealias Support = KernelCatalogueTestSupport

    func testSoftwareListingMatchesBpftrace() {
        // What current bpftrace prints for `bpftrace -l 'software:*'`: names and aliases,
        // each with a trailing colon, in byte order.
        let listing = ProbeCatalogue(traceFS: TraceFS(root: "/nonexistent")).list(matching: "software:*")
        XCTAssertEqual(
            listing.lines,
            [
                "software:alignment-faults:", "software:bpf-output:", "software:context-switches:",
                "software:cpu-clock:", "software:cpu-migrations:", "software:cpu:", "software:cs:",
                "software:dummy:", "software:emulation-faults:", "software:faults:", "software:major-faults:",
                "software:minor-faults:", "software:page-faults:", "software:task-clock:",
            ])
        XCTAssertEqual(listing.warnings, [])
    }

    func testHardwareListingAndLookups() {
        let catalogue = ProbeCatalogue(traceFS: TraceFS(root: "/nonexistent"))
        let hardware = catalogue.list(matching: "hardware:*").lines
        XCTAssertTrue(hardware.contains("hardware:cycles:"))
        XCTAssertTrue(hardware.contains("hardware:cpu-cycles:"))
        XCTAssertTrue(hardware.contains("hardware:branches:"))
        XCTAssertEqual(hardware.count, 12)
        XCTAssertEqual(
            catalogue.list(matching: "s:cpu*").lines,
            ["software:cpu-clock:", "software:cpu-migrations:", "software:cpu:"])
        XCTAssertEqual(catalogue.list(matching: "software:cpu-clock:1000").lines, ["software:cpu-clock:"])
        let cpu = PerfEventCatalogue.event(.software, named: "cpu")
        XCTAssertEqual(cpu?.name, "cpu-clock")
        XCTAssertEqual(cpu?.perfConfig, 0)
        XCTAssertEqual(cpu?.defaultPeriod, 1_000_000)
        XCTAssertEqual(PerfEventCatalogue.event(.hardware, named: "cycles")?.perfType, 0)
    }

    func testTracepointGlobsOnFakeTraceFS() throws {
        let fake = try Support.FakeTraceFS(events: [
            "sched:sched_switch": Support.schedSwitchFormat,
            "sched:sched_process_exec": Support.schedProcessExecFormat,
            "syscalls:sys_enter_openat": Support.sysEnterOpenatFormat,
            "raw_syscalls:sys_enter": Support.rawSyscallsEnterFormat,
        ])
        let catalogue = ProbeCatalogue(traceFS: fake.traceFS, btfPath: "/nonexistent/btf")
        XCTAssertEqual(
            catalogue.list(matching: "tracepoint:sched:*").lines,
            ["tracepoint:sched:sched_process_exec", "tracepoint:sched:sched_switch"])
        XCTAssertEqual(
            catalogue.list(matching: "t:*:sys_enter*").lines,
            ["tracepoint:raw_syscalls:sys_enter", "tracepoint:syscalls:sys_enter_openat"])
        XCTAssertEqual(
            catalogue.list(matching: "tracepoint:sched:sched_{switch,wakeup}").lines,
            ["tracepoint:sched:sched_switch"])
        XCTAssertEqual(
            catalogue.list(matching: "tracepoint:sched:sched_switch", verbose: true).text,
            """
            tracepoint:sched:sched_switch
                char prev_comm[16]
                pid_t prev_pid
                int prev_prio
                long prev_state
                char next_comm[16]
                pid_t next_pid
                int next_prio

            """)
        // Without BTF, raw tracepoints come from tracefs, minus the syscalls:* wrappers.
        XCTAssertEqual(
            catalogue.list(matching: "rawtracepoint:*").lines,
            [
                "rawtracepoint:vmlinux:sched_process_exec", "rawtracepoint:vmlinux:sched_switch",
                "rawtracepoint:vmlinux:sys_enter",
            ])
        XCTAssertEqual(catalogue.list(matching: "nosuch:*").warnings, ["unknown probe type 'nosuch'"])
        XCTAssertEqual(catalogue.list(matching: "uprobe:/bin/sh:*").lines, [])
    }

    func testRealTracepointListingMatchesAvailableEvents() throws {
        try Support.requireRoot("listing tracefs")
        let catalogue = ProbeCatalogue()
        let listing = catalogue.list(matching: "tracepoint:sched:*")
        XCTAssertEqual(listing.warnings, [])
        XCTAssertTrue(listing.lines.contains("tracepoint:sched:sched_switch"))
        XCTAssertTrue(listing.lines.contains("tracepoint:sched:sched_wakeup"))
        XCTAssertTrue(listing.lines.allSatisfy { $0.hasPrefix("tracepoint:sched:") })
        // Exactly the sched events tracefs lists, nothing outside the glob.
        let traceFS = try catalogue.traceFS()
        let events = try SystemFile.readText(traceFS.path("available_events")).get()
        let expected = events.split(separator: "\n").filter { $0.hasPrefix("sched:") }.map { "tracepoint:" + $0 }
            .sorted()
        XCTAssertEqual(listing.lines, expected)
        XCTAssertEqual(listing.lines, listing.lines.sorted())

        let all = catalogue.list(matching: "tracepoint:*").lines
        XCTAssertEqual(all.count, events.split(separator: "\n").count)
        XCTAssertEqual(
            catalogue.list(matching: "tracepoint:sched:sched_{switch,wakeup}").lines,
            ["tracepoint:sched:sched_switch", "tracepoint:sched:sched_wakeup"])
    }

    func testRealVerboseListingMatchesBpftrace() throws {
        try Support.requireRoot("listing tracefs")
        let catalogue = ProbeCatalogue()
        let text = catalogue.list(matching: "tracepoint:sched:sched_switch", verbose: true).text
        XCTAssertEqual(text.split(separator: "\n").first, "tracepoint:sched:sched_switch")
        XCTAssertTrue(text.contains("\n    char prev_comm[16]\n"))
        XCTAssertFalse(text.contains("common_"))
        let exec = catalogue.list(matching: "tracepoint:sched:sched_process_exec", verbose: true).text
        XCTAssertTrue(exec.contains("    __data_loc char[] filename\n"))
    }

    func testRealRawTracepointAndBareListing() throws {
        try Support.requireRoot("listing tracefs")
        let catalogue = ProbeCatalogue()
        XCTAssertEqual(
            catalogue.list(matching: "rawtracepoint:sched_switch").lines, ["rawtracepoint:vmlinux:sched_switch"])
        XCTAssertEqual(
            catalogue.list(matching: "rt:vmlinux:sched_switch").lines, ["rawtracepoint:vmlinux:sched_switch"])
        let verbose = catalogue.list(matching: "rawtracepoint:sched_switch", verbose: true)
        XCTAssertEqual(
            verbose.entries.first?.arguments,
            ["bool preempt", "struct task_struct * prev", "struct task_struct * next", "unsigned int prev_state"])
        let bare = catalogue.list(matching: "sched_switch").lines
        XCTAssertEqual(bare, ["rawtracepoint:vmlinux:sched_switch", "tracepoint:sched:sched_switch"])
        let sleepers = catalogue.list(matching: "*nanosleep*").lines
        XCTAssertTrue(sleepers.contains("tracepoint:syscalls:sys_enter_nanosleep"))
    }

    func testKprobeListingSaysWhyWhenUnavailable() throws {
        try Support.requireRoot("reading tracefs")
        let catalogue = ProbeCatalogue()
        guard let reason = catalogue.kprobeUnavailableReason() else {
            // A kernel with kprobes lists functions instead.
            XCTAssertFalse(catalogue.list(matching: "kprobe:vfs_*").lines.isEmpty)
            return
        }
        XCTAssertTrue(reason.contains("kprobe"))
        let listing = catalogue.list(matching: "kprobe:vfs_*")
        XCTAssertEqual(listing.lines, [])
        XCTAssertEqual(listing.warnings.count, 1)
        XCTAssertThrowsError(try catalogue.kprobeFunctions())
        // A wildcard provider skips kprobes silently, as there is nothing to list.
        XCTAssertEqual(catalogue.list(matching: "*:vfs_read").warnings, [])
    }
}
