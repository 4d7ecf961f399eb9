import XCTest

@testable import Kernel

final class CatalogueKprobeAlternativesTests: XCTestCase {
    typealias Support = KernelCatalogueTestSupport

    func testNormalization() {
        XCTAssertEqual(KprobeAlternatives.normalize("kprobe:vfs_read"), "vfs_read")
        XCTAssertEqual(KprobeAlternatives.normalize("kretprobe:finish_task_switch.isra.0"), "finish_task_switch")
        XCTAssertEqual(KprobeAlternatives.normalize("kprobe:ext4:ext4_file_read_iter"), "ext4_file_read_iter")
        XCTAssertEqual(KprobeAlternatives.syscallName("__x64_sys_getppid"), "getppid")
        XCTAssertEqual(KprobeAlternatives.syscallName("ksys_read"), "read")
        XCTAssertNil(KprobeAlternatives.syscallName("vfs_read"))
    }

    func testOnlyExistingTracepointsAreSuggested() throws {
        // A kernel whose tracefs has sched_switch and openat but no read or wakeup events.
        let fake = try Support.FakeTraceFS(events: [
            "sched:sched_switch": Support.schedSwitchFormat,
            "syscalls:sys_enter_openat": Support.sysEnterOpenatFormat,
        ])
        let alternatives = KprobeAlternatives(catalogue: ProbeCatalogue(traceFS: fake.traceFS))
        XCTAssertEqual(
            alternatives.suggestions(for: "finish_task_switch").map(\.probe),
            ["tracepoint:sched:sched_switch", "software:context-switches:1"])
        XCTAssertEqual(
            alternatives.suggestions(for: "do_sys_openat2").map(\.probe),
            ["tracepoint:syscalls:sys_enter_openat"])
        XCTAssertEqual(alternatives.suggestions(for: "vfs_read"), [])
        XCTAssertEqual(alternatives.suggestions(for: "try_to_wake_up"), [])
        let text = alternatives.explanation(for: "kprobe:finish_task_switch", unavailableReason: "no kprobes")
        XCTAssertTrue(text.hasPrefix("kprobe:finish_task_switch cannot attach on this kernel: no kprobes\n"))
        XCTAssertTrue(text.contains("  tracepoint:sched:sched_switch"))
    }

    func testBookKprobesOnThisKernel() throws {
        try Support.requireRoot("reading tracefs")
        let catalogue = ProbeCatalogue()
        let alternatives = KprobeAlternatives(catalogue: catalogue)
        func first(_ function: String) -> String? { alternatives.suggestions(for: function).first?.probe }
        XCTAssertEqual(first("vfs_read"), "tracepoint:syscalls:sys_enter_read")
        XCTAssertEqual(first("vfs_write"), "tracepoint:syscalls:sys_enter_write")
        XCTAssertEqual(first("do_sys_openat2"), "tracepoint:syscalls:sys_enter_openat")
        XCTAssertEqual(first("do_sys_open"), "tracepoint:syscalls:sys_enter_openat")
        XCTAssertEqual(first("finish_task_switch.isra.0"), "tracepoint:sched:sched_switch")
        XCTAssertEqual(first("try_to_wake_up"), "tracepoint:sched:sched_wakeup")
        XCTAssertEqual(first("ttwu_do_wakeup"), "tracepoint:sched:sched_wakeup")
        XCTAssertEqual(first("handle_mm_fault"), "tracepoint:exceptions:page_fault_user")
        XCTAssertEqual(first("__kmalloc"), "tracepoint:kmem:kmalloc")
        XCTAssertEqual(first("oom_kill_process"), "tracepoint:oom:mark_victim")
        XCTAssertEqual(first("blk_account_io_start"), "tracepoint:block:block_io_start")
        XCTAssertEqual(first("__do_softirq"), "tracepoint:irq:softirq_entry")
        XCTAssertEqual(first("do_nanosleep"), "tracepoint:syscalls:sys_enter_nanosleep")
        XCTAssertEqual(first("shrink_node"), "tracepoint:vmscan:mm_vmscan_lru_shrink_inactive")
        XCTAssertEqual(first("swap_readpage"), "software:major-faults:1")
        XCTAssertEqual(first("tcp_retransmit_skb"), "tracepoint:tcp:tcp_retransmit_skb")
        XCTAssertEqual(first("smp_call_function_single"), "tracepoint:csd:csd_queue_cpu")
        XCTAssertEqual(first("__x64_sys_getppid"), "tracepoint:syscalls:sys_enter_getppid")

        let vfs = alternatives.suggestions(for: "kprobe:vfs_*", limit: 50).map(\.probe)
        XCTAssertTrue(vfs.contains("tracepoint:syscalls:sys_enter_read"))
        XCTAssertTrue(vfs.contains("tracepoint:syscalls:sys_enter_write"))

        // A function nobody maps still gets tracepoints named like it.
        let named = alternatives.suggestions(for: "mm_filemap_fault")
        XCTAssertEqual(named.first?.probe, "tracepoint:filemap:mm_filemap_fault")
        XCTAssertEqual(named.first?.basis, .nameMatch)
        XCTAssertEqual(alternatives.suggestions(for: "zzz_no_such_function_zzz"), [])
    }

    func testEveryTableSuggestionIsWellFormed() throws {
        for entry in KprobeAlternatives.table {
            XCTAssertFalse(entry.functions.isEmpty)
            for suggestion in entry.suggestions {
                let parts = suggestion.probe.split(separator: ":", omittingEmptySubsequences: false)
                XCTAssertTrue(
                    parts.first == "tracepoint" ? parts.count == 3 : parts.first == "software",
                    suggestion.probe)
                XCTAssertFalse(suggestion.note.isEmpty)
            }
        }
    }

    func testTableTracepointsMostlyExistHere() throws {
        try Support.requireRoot("reading tracefs")
        let catalogue = ProbeCatalogue()
        let tracepoints = KprobeAlternatives.table.flatMap(\.suggestions).map(\.probe).filter {
            $0.hasPrefix("tracepoint:")
        }
        let missing = Set(
            tracepoints.filter { probe in
                let parts = probe.split(separator: ":")
                return !catalogue.hasTracepoint(category: String(parts[1]), event: String(parts[2]))
            })
        // A few rows name older kernels' events; most must exist on a current kernel.
        XCTAssertLessThan(missing.count, 6, "missing here: \(missing.sorted())")
    }
}
