import Tables
import XCTest

/// Folding bpftrace stack maps into flamegraph.pl's input.
final class StackFoldTests: XCTestCase {
    typealias B = Build

    /// `profile:hz:99 { @[kstack, ustack, comm] = count(); }` — stacks innermost first.
    static let profile = B.map(
        "@",
        [
            B.row(
                [
                    .stack(["ksys_read+5", "vfs_read+12", "do_syscall_64+115", "entry_SYSCALL_64_after_hwframe+61"]),
                    .stack(["__libc_read+20", "main+44", "__libc_start_main+243", "_start+46"]),
                    .string("cat"),
                ], .count(7)),
            B.row(
                [
                    .stack(["ksys_read+9", "vfs_read+40", "do_syscall_64+115", "entry_SYSCALL_64_after_hwframe+61"]),
                    .stack(["__libc_read+20", "main+44", "__libc_start_main+243", "_start+46"]),
                    .string("cat"),
                ], .count(3)),
            B.row(
                [
                    .stack([]),
                    .stack(["malloc+4", "0x7f12ab3400", "main+10", "_start+46"]),
                    .string("cat"),
                ], .count(5)),
            B.row(
                [
                    .stack(["schedule+10", "worker_thread+200", "kthread+280", "ret_from_fork+31"]),
                    .stack([]),
                    .string("kworker/0:1"),
                ], .count(4)),
        ])

    func testFoldKernelUserCommGolden() {
        let folded = FoldedStacks(table: Self.profile)
        XCTAssertEqual(
            folded.text,
            """
            cat;_start;__libc_start_main;main;__libc_read;-;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];\
            vfs_read_[k];ksys_read_[k] 10
            cat;_start;main;0x7f12ab3400;malloc 5
            kworker/0:1;ret_from_fork_[k];kthread_[k];worker_thread_[k];schedule_[k] 4

            """)
        XCTAssertEqual(folded.totalSamples, 19)
    }

    func testKeepOffsetsAndNoAnnotation() {
        let options = FoldedStacks.Options(
            keepOffsets: true, includeKeyParts: false, annotateKernel: false, delimitKernel: false)
        let folded = FoldedStacks(table: Self.profile, options: options)
        XCTAssertEqual(
            folded.lines.map(\.text),
            [
                "_start+46;__libc_start_main+243;main+44;__libc_read+20;entry_SYSCALL_64_after_hwframe+61;"
                    + "do_syscall_64+115;vfs_read+12;ksys_read+5 7",
                "_start+46;main+10;0x7f12ab3400;malloc+4 5",
                "ret_from_fork+31;kthread+280;worker_thread+200;schedule+10 4",
                "_start+46;__libc_start_main+243;main+44;__libc_read+20;entry_SYSCALL_64_after_hwframe+61;"
                    + "do_syscall_64+115;vfs_read+40;ksys_read+9 3",
            ])
    }

    /// `@[comm, kstack]` and a lone `@[ustack]`; explicit kinds override the inference.
    func testKeyShapes() {
        let commFirst = B.map(
            "@",
            [B.row([.string("sshd"), .stack(["tcp_sendmsg+1", "sock_sendmsg+2", "__x64_sys_sendto+3"])], .count(2))])
        XCTAssertEqual(
            FoldedStacks(table: commFirst).text, "sshd;__x64_sys_sendto_[k];sock_sendmsg_[k];tcp_sendmsg_[k] 2\n")

        let user = B.map("@", [B.row([.stack(["malloc+4", "main+8"])], .sum(9))])
        XCTAssertEqual(FoldedStacks(table: user).text, "main;malloc 9\n")
        let forcedKernel = FoldedStacks(table: user, options: .init(stackKinds: [.kernel]))
        XCTAssertEqual(forcedKernel.text, "main_[k];malloc_[k] 9\n")

        let userThenKernel = B.map("@", [B.row([.stack(["f+1", "g+2"]), .stack(["h+3", "i+4"])], .count(1))])
        XCTAssertEqual(
            FoldedStacks(table: userThenKernel, options: .init(stackKinds: [.user, .kernel])).text,
            "g;f;-;i_[k];h_[k] 1\n")
        let unresolvedKernel = B.map("@", [B.row([.stack(["0xffffffff81000010", "foo+1"])], .count(1))])
        XCTAssertEqual(FoldedStacks(table: unresolvedKernel).text, "foo_[k];0xffffffff81000010_[k] 1\n")
    }

    func testFramesCannotBreakTheFormat() {
        let map = B.map(
            "@",
            [
                B.row(
                    [.string("a;b"), .stack(["x\ny+0x1f", "std::vector<int>::push_back(int&&)+12 (/usr/bin/app)"])],
                    .count(1))
            ])
        XCTAssertEqual(FoldedStacks(table: map).text, "a:b;std::vector<int>::push_back(int&&) (/usr/bin/app);x y 1\n")
    }

    func testCellsAndMerging() {
        let map = B.map(
            "@",
            [
                B.row([.stack(["a+1"])], .count(2)),
                B.row([.stack(["a+2"])], .sum(3)),
                B.row([.stack(["b+1"])], .sum(-3)),
                B.row([.stack(["c+1"])], .value(.uint(4))),
                B.row([.stack(["d+1"])], .max(9)),
                B.row([.stack([])], .count(6)),
            ])
        let folded = FoldedStacks(table: map)
        XCTAssertEqual(folded.text, "[unknown] 6\na 5\nc 4\n")
        XCTAssertEqual(folded.totalSamples, 15)
    }

    func testParseRoundTrip() {
        let folded = FoldedStacks(table: Self.profile)
        let parsed = FoldedStacks.parse(folded.text)
        XCTAssertEqual(parsed, folded)
        XCTAssertEqual(parsed.totalSamples, 19)
        XCTAssertEqual(parsed.lines[0].frames.first, "cat")
        XCTAssertEqual(parsed.lines[0].frames.last, "ksys_read_[k]")
        XCTAssertEqual(parsed.lines.map(\.frames), folded.lines.map(\.frames))
    }

    func testParseMergesAndReportsBadLines() {
        let text = "# comment\na;b 2\r\n\nframe with spaces;c 3\nnot a count x\na;b 1\n;x 1\n"
        let (stacks, rejected) = FoldedStacks.parseReporting(text)
        XCTAssertEqual(
            stacks.lines,
            [
                .init(frames: ["a", "b"], count: 3),
                .init(frames: ["frame with spaces", "c"], count: 3),
                .init(frames: ["", "x"], count: 1),
            ])
        XCTAssertEqual(rejected, [5])
        XCTAssertEqual(stacks.merged(with: stacks).totalSamples, 14)
    }
}
