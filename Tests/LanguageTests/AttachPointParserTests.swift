import XCTest

@testable import Language

final class AttachPointParserTests: XCTestCase {
    private func target(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ProbeTarget? {
        do {
            return try AttachPointParser.parse(AttachPointSyntax(text: text, range: SourceRange(0, text.utf8.count)))
        } catch {
            XCTFail("\(text): \(error)", file: file, line: line)
            return nil
        }
    }

    private func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
        do {
            let t = try AttachPointParser.parse(
                AttachPointSyntax(text: text, range: SourceRange(3, 3 + text.utf8.count)))
            XCTFail("\(text) was accepted as \(t)", file: file, line: line)
            return nil
        } catch let d as Diagnostic {
            XCTAssertEqual(
                d.range, SourceRange(3, 3 + text.utf8.count), "the error covers the attach point", file: file,
                line: line)
            return d
        } catch {
            XCTFail("\(error)", file: file, line: line)
            return nil
        }
    }

    func testBeginAndEnd() {
        XCTAssertEqual(target("BEGIN"), ProbeTarget(kind: .begin, parts: []))
        XCTAssertEqual(target("begin"), ProbeTarget(kind: .begin, parts: []))
        XCTAssertEqual(target("END"), ProbeTarget(kind: .end, parts: []))
        XCTAssertEqual(target("end"), ProbeTarget(kind: .end, parts: []))
        XCTAssertEqual(target("BEGIN")?.name, "BEGIN")
        XCTAssertEqual(target("end")?.name, "END")
    }

    func testTracepoints() {
        XCTAssertEqual(
            target("tracepoint:sched:sched_switch"), ProbeTarget(kind: .tracepoint, parts: ["sched", "sched_switch"]))
        XCTAssertEqual(
            target("t:sched:sched_switch"), ProbeTarget(kind: .tracepoint, parts: ["sched", "sched_switch"]))
        XCTAssertEqual(target("t:sched:sched_switch")?.name, "tracepoint:sched:sched_switch")
        let wildcard = target("tracepoint:syscalls:sys_enter_*")
        XCTAssertEqual(wildcard?.parts, ["syscalls", "sys_enter_*"])
        XCTAssertEqual(wildcard?.hasWildcard, true)
        XCTAssertEqual(target("t:sched:sched_switch")?.hasWildcard, false)
        XCTAssertEqual(target("t:sched:sched_wak?up")?.hasWildcard, true)
    }

    func testRawTracepointsAndBTF() {
        XCTAssertEqual(target("rawtracepoint:sched_switch"), ProbeTarget(kind: .rawtracepoint, parts: ["sched_switch"]))
        XCTAssertEqual(target("rt:sched_switch"), ProbeTarget(kind: .rawtracepoint, parts: ["sched_switch"]))
        // The module part is accepted and dropped.
        XCTAssertEqual(
            target("rawtracepoint:vmlinux:sched_switch"), ProbeTarget(kind: .rawtracepoint, parts: ["sched_switch"]))
        XCTAssertEqual(target("tp_btf:sched_switch"), ProbeTarget(kind: .tpBTF, parts: ["sched_switch"]))
        XCTAssertEqual(target("btf:sched_switch"), ProbeTarget(kind: .tpBTF, parts: ["sched_switch"]))
        XCTAssertEqual(target("tp_btf:sched_switch")?.name, "tp_btf:sched_switch")
    }

    func testKprobesAndFentry() {
        XCTAssertEqual(target("kprobe:vfs_read"), ProbeTarget(kind: .kprobe, parts: ["vfs_read"]))
        XCTAssertEqual(target("k:vfs_read"), ProbeTarget(kind: .kprobe, parts: ["vfs_read"]))
        XCTAssertEqual(
            target("kprobe:ext4:ext4_file_open"), ProbeTarget(kind: .kprobe, parts: ["ext4", "ext4_file_open"]))
        XCTAssertEqual(target("kretprobe:vfs_read"), ProbeTarget(kind: .kretprobe, parts: ["vfs_read"]))
        XCTAssertEqual(target("kr:vfs_read"), ProbeTarget(kind: .kretprobe, parts: ["vfs_read"]))
        XCTAssertEqual(target("fentry:vfs_read"), ProbeTarget(kind: .fentry, parts: ["vfs_read"]))
        XCTAssertEqual(target("f:vfs_read"), ProbeTarget(kind: .fentry, parts: ["vfs_read"]))
        XCTAssertEqual(target("kfunc:vfs_read"), ProbeTarget(kind: .fentry, parts: ["vfs_read"]))
        XCTAssertEqual(target("fexit:vfs_read"), ProbeTarget(kind: .fexit, parts: ["vfs_read"]))
        XCTAssertEqual(target("fr:vfs_read"), ProbeTarget(kind: .fexit, parts: ["vfs_read"]))
        XCTAssertEqual(target("kretfunc:vfs_read"), ProbeTarget(kind: .fexit, parts: ["vfs_read"]))
        XCTAssertEqual(target("k:vfs_*")?.hasWildcard, true)
        XCTAssertEqual(target("kr:vfs_read")?.name, "kretprobe:vfs_read")
    }

    func testUprobesAndUSDT() {
        XCTAssertEqual(
            target("uprobe:/bin/bash:readline"), ProbeTarget(kind: .uprobe, parts: ["/bin/bash", "readline"]))
        XCTAssertEqual(target("u:/bin/bash:readline"), ProbeTarget(kind: .uprobe, parts: ["/bin/bash", "readline"]))
        XCTAssertEqual(target("u:libc:malloc"), ProbeTarget(kind: .uprobe, parts: ["libc", "malloc"]))
        XCTAssertEqual(
            target("uretprobe:/bin/bash:readline"), ProbeTarget(kind: .uretprobe, parts: ["/bin/bash", "readline"]))
        XCTAssertEqual(
            target("ur:/bin/bash:readline"), ProbeTarget(kind: .uretprobe, parts: ["/bin/bash", "readline"]))
        XCTAssertEqual(target("ur:/bin/bash:readline")?.name, "uretprobe:/bin/bash:readline")
        XCTAssertEqual(
            target("usdt:/usr/bin/python3:function__entry"),
            ProbeTarget(kind: .usdt, parts: ["/usr/bin/python3", "function__entry"]))
        XCTAssertEqual(
            target("U:/usr/lib/libc.so.6:libc:setjmp"),
            ProbeTarget(kind: .usdt, parts: ["/usr/lib/libc.so.6", "libc", "setjmp"]))
    }

    func testIntervalAndProfile() {
        XCTAssertEqual(target("profile:hz:99"), ProbeTarget(kind: .profile, parts: ["hz", "99"]))
        XCTAssertEqual(target("p:hz:99")?.rate, .frequency(99))
        XCTAssertEqual(target("profile:ms:10")?.rate, .periodNanoseconds(10_000_000))
        XCTAssertEqual(target("profile:us:250")?.rate, .periodNanoseconds(250_000))
        XCTAssertEqual(target("profile:ns:5000")?.rate, .periodNanoseconds(5000))
        XCTAssertEqual(target("interval:s:1"), ProbeTarget(kind: .interval, parts: ["s", "1"]))
        XCTAssertEqual(target("i:s:1")?.rate, .periodNanoseconds(1_000_000_000))
        XCTAssertEqual(target("i:ms:100")?.rate, .periodNanoseconds(100_000_000))
        XCTAssertEqual(target("interval:us:500")?.rate, .periodNanoseconds(500_000))
        XCTAssertEqual(target("interval:hz:10")?.rate, .frequency(10))
        XCTAssertEqual(target("i:s:1")?.name, "interval:s:1")
        XCTAssertNil(target("k:vfs_read")?.rate)
    }

    func testSoftwareAndHardware() {
        XCTAssertEqual(target("software:page-faults:100"), ProbeTarget(kind: .software, parts: ["page-faults", "100"]))
        XCTAssertEqual(target("s:cpu-clock"), ProbeTarget(kind: .software, parts: ["cpu-clock"]))
        XCTAssertEqual(target("s:faults:"), ProbeTarget(kind: .software, parts: ["faults"]))
        XCTAssertEqual(
            target("hardware:cache-misses:1000000"), ProbeTarget(kind: .hardware, parts: ["cache-misses", "1000000"]))
        XCTAssertEqual(target("h:cpu-cycles"), ProbeTarget(kind: .hardware, parts: ["cpu-cycles"]))
    }

    func testEveryProviderHasAnAcceptedSpelling() {
        let examples: [ProviderKind: String] = [
            .begin: "BEGIN", .end: "END", .interval: "i:s:1", .profile: "p:hz:49", .software: "s:cpu-clock:1000",
            .hardware: "h:cpu-cycles", .tracepoint: "t:a:b", .rawtracepoint: "rt:a", .tpBTF: "tp_btf:a",
            .uprobe: "u:/bin/sh:main", .uretprobe: "ur:/bin/sh:main", .kprobe: "k:f", .kretprobe: "kr:f",
            .fentry: "f:f", .fexit: "fr:f", .usdt: "U:/bin/sh:p",
        ]
        for kind in ProviderKind.allCases {
            guard let text = examples[kind] else {
                XCTFail("no example for \(kind)")
                continue
            }
            XCTAssertEqual(target(text)?.kind, kind, text)
        }
    }

    // MARK: Malformed attach points

    func testMalformedInterval() {
        XCTAssertEqual(
            failure("interval:x:1")?.message,
            "interval probes are written interval:UNIT:N with UNIT one of hz, s, ms, us (e.g. interval:s:1)")
        XCTAssertEqual(
            failure("interval:s")?.message,
            "interval probes are written interval:DURATION (e.g. interval:1s, interval:100ms) or "
                + "interval:UNIT:N with UNIT one of hz, s, ms, us (e.g. interval:s:1)")
        XCTAssertEqual(
            failure("interval:s:0")?.message,
            "interval probes are written interval:UNIT:N with UNIT one of hz, s, ms, us (e.g. interval:s:1)")
        XCTAssertEqual(
            failure("interval:s:-1")?.message,
            "interval probes are written interval:UNIT:N with UNIT one of hz, s, ms, us (e.g. interval:s:1)")
        XCTAssertEqual(failure("interval:ns:100")?.message, "interval:ns is not supported: use us or longer")
    }

    func testMalformedProfile() {
        XCTAssertEqual(
            failure("profile:hz:0")?.message,
            "profile probes are written profile:UNIT:N with UNIT one of hz, s, ms, us (e.g. profile:hz:99)")
        XCTAssertEqual(
            failure("profile:99x")?.message,
            "profile probes are written profile:DURATION (e.g. profile:1s, profile:100ms) or "
                + "profile:UNIT:N with UNIT one of hz, s, ms, us (e.g. profile:hz:99)")
        XCTAssertEqual(
            failure("p:hz:x")?.message,
            "profile probes are written profile:UNIT:N with UNIT one of hz, s, ms, us (e.g. profile:hz:99)")
    }

    func testMalformedTracepoint() {
        let message = "tracepoint probes are written tracepoint:CATEGORY:EVENT (e.g. tracepoint:sched:sched_switch)"
        XCTAssertEqual(failure("tracepoint:sched")?.message, message)
        XCTAssertEqual(failure("t:sched:")?.message, message)
        XCTAssertEqual(failure("t::sched_switch")?.message, message)
        XCTAssertEqual(failure("t:a:b:c")?.message, message)
        XCTAssertEqual(failure("tracepoint")?.message, message)
    }

    func testMalformedOthers() {
        XCTAssertEqual(
            failure("rawtracepoint:")?.message,
            "rawtracepoint probes are written rawtracepoint:EVENT (e.g. rawtracepoint:sched_switch)")
        XCTAssertEqual(
            failure("tp_btf:a:b:c")?.message, "tp_btf probes are written tp_btf:EVENT (e.g. tp_btf:sched_switch)")
        XCTAssertEqual(failure("kprobe:")?.message, "kprobe probes are written kprobe:FUNCTION (e.g. kprobe:vfs_read)")
        XCTAssertEqual(
            failure("kr:a:b:c")?.message, "kretprobe probes are written kretprobe:FUNCTION (e.g. kretprobe:vfs_read)")
        XCTAssertEqual(failure("fentry")?.message, "fentry probes are written fentry:FUNCTION (e.g. fentry:vfs_read)")
        XCTAssertEqual(
            failure("uprobe:/bin/bash")?.message,
            "uprobe probes are written uprobe:BINARY:FUNCTION (e.g. uprobe:/bin/bash:readline or uprobe:libc:malloc)")
        XCTAssertEqual(
            failure("ur::readline")?.message,
            "uretprobe probes are written uretprobe:BINARY:FUNCTION "
                + "(e.g. uretprobe:/bin/bash:readline or uretprobe:libc:malloc)"
        )
        XCTAssertEqual(
            failure("u:/bin/bash:a:b")?.message,
            "uprobe probes are written uprobe:BINARY:FUNCTION (e.g. uprobe:/bin/bash:readline or uprobe:libc:malloc)")
        XCTAssertEqual(
            failure("usdt:a:b:c:d")?.message,
            "usdt probes are written usdt:BINARY[:PROVIDER]:PROBE (e.g. usdt:libc:libc:setjmp)")
        XCTAssertEqual(
            failure("software:")?.message,
            "software probes are written software:EVENT[:COUNT] (e.g. software:page-faults:100)")
        XCTAssertEqual(
            failure("h:a:b:c")?.message.hasPrefix("hardware probes are written hardware:EVENT[:COUNT]"), true)
        XCTAssertEqual(failure("software:faults:abc")?.message, "the sample count 'abc' is not a number")
    }

    func testUnknownProvider() {
        let d = failure("foo:bar")
        XCTAssertEqual(d?.message, "unknown probe type 'foo'")
        XCTAssertEqual(
            d?.notes,
            [
                "probe types: BEGIN, END, interval, profile, software, hardware, tracepoint, rawtracepoint, "
                    + "tp_btf, uprobe, uretprobe, kprobe, kretprobe, fentry, fexit, usdt"
            ])
        XCTAssertEqual(failure("BEGIN:x")?.message, "unknown probe type 'BEGIN'")
        XCTAssertEqual(failure("Tracepoint:a:b")?.message, "unknown probe type 'Tracepoint'")
        XCTAssertEqual(failure("")?.message, "unknown probe type ''")
    }

    func testUnknownProviderRenderedWithNote() {
        XCTAssertEqual(
            semanticDiagnostics("kprob:vfs_read { }").map { $0.rendered(in: source("kprob:vfs_read { }")) },
            [
                """
                prog.bt:1:1: error: unknown probe type 'kprob'
                kprob:vfs_read { }
                ^~~~~~~~~~~~~~
                note: probe types: BEGIN, END, interval, profile, software, hardware, tracepoint, rawtracepoint, \
                tp_btf, uprobe, uretprobe, kprobe, kretprobe, fentry, fexit, usdt

                """
            ])
    }
}
