import XCTest

@testable import Tables

/// Golden outputs captured from bpftrace v0.17.0 on this project's test machine; the program
/// each was captured from is quoted above it. Trailing spaces are written `\u{20}`.
final class BpftraceTextRendererTests: XCTestCase {
    typealias B = Build

    // bpftrace -e 'BEGIN { @a = count(); @b[1,"x"] = 5; @c[comm] = sum(3); @h = hist(5);
    //   @h = hist(0); @h=hist(-1); @h=hist(1000); @l = lhist(7, 0, 100, 10); @s = stats(10);
    //   @s=stats(20); @v = avg(7); @m = min(3); @x = max(4); @str[1] = comm; @t = (1, "a");
    //   exit(); }'
    func testExitDumpOfEveryAggregation() {
        let maps = [
            B.map("@a", [B.row([], .count(1))]),
            B.map("@b", [B.row([.int(1), .string("x")], .value(.int(5)))]),
            B.map("@c", [B.row([.string("bpftrace")], .sum(3))]),
            B.map("@h", [B.row([], B.hist([5, 0, -1, 1000]))]),
            B.map("@l", [B.row([], B.lhist([7], min: 0, max: 100, step: 10))]),
            B.map("@s", [B.row([], .stats(total: 30, count: 2))]),
            B.map("@v", [B.row([], .avg(total: 7, count: 1))]),
            B.map("@m", [B.row([], .min(3))]),
            B.map("@x", [B.row([], .max(4))]),
            B.map("@str", [B.row([.int(1)], .value(.string("bpftrace")))]),
            B.map("@t", [B.row([], .value(.tuple([.int(1), .string("a")])))]),
        ]
        XCTAssertEqual(
            BpftraceTextRenderer.renderExit(maps),
            """


            @a: 1
            @b[1, x]: 5
            @c[bpftrace]: 3
            @h:\u{20}
            (..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [0]                    1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [1]                    0 |                                                    |
            [2, 4)                 0 |                                                    |
            [4, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [8, 16)                0 |                                                    |
            [16, 32)               0 |                                                    |
            [32, 64)               0 |                                                    |
            [64, 128)              0 |                                                    |
            [128, 256)             0 |                                                    |
            [256, 512)             0 |                                                    |
            [512, 1K)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @l:\u{20}
            [0, 10)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @m: 3
            @s: { .count = 2, .average = 15, .total = 30 }

            @str[1]: bpftrace
            @t: (1, a)
            @v: 7

            @x: 4

            """)
    }

    // bpftrace -e 'BEGIN { @h = hist(1); @h = hist(1); @h=hist(1); @h = hist(2); @h = hist(1024);
    //   @h = hist(1048576); @h = hist(1073741824); @h = hist(1099511627776);
    //   @h=hist(0x7fffffffffffffff); exit(); }'
    // bpftrace 0.17's log2 stops at 2^32, so the last two values share the [2G, 4G) bucket.
    func testHistogramLabelsUseSuffixesAndKeepEmptyBucketsBetween() {
        let h = Histogram(kind: .log2, buckets: [2: 3, 3: 1, 12: 1, 22: 1, 32: 1, 33: 2])
        let map = B.map("@h", [B.row([], .histogram(h))])
        XCTAssertEqual(
            BpftraceTextRenderer.renderExit([map]),
            """


            @h:\u{20}
            [1]                    3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [2, 4)                 1 |@@@@@@@@@@@@@@@@@                                   |
            [4, 8)                 0 |                                                    |
            [8, 16)                0 |                                                    |
            [16, 32)               0 |                                                    |
            [32, 64)               0 |                                                    |
            [64, 128)              0 |                                                    |
            [128, 256)             0 |                                                    |
            [256, 512)             0 |                                                    |
            [512, 1K)              0 |                                                    |
            [1K, 2K)               1 |@@@@@@@@@@@@@@@@@                                   |
            [2K, 4K)               0 |                                                    |
            [4K, 8K)               0 |                                                    |
            [8K, 16K)              0 |                                                    |
            [16K, 32K)             0 |                                                    |
            [32K, 64K)             0 |                                                    |
            [64K, 128K)            0 |                                                    |
            [128K, 256K)           0 |                                                    |
            [256K, 512K)           0 |                                                    |
            [512K, 1M)             0 |                                                    |
            [1M, 2M)               1 |@@@@@@@@@@@@@@@@@                                   |
            [2M, 4M)               0 |                                                    |
            [4M, 8M)               0 |                                                    |
            [8M, 16M)              0 |                                                    |
            [16M, 32M)             0 |                                                    |
            [32M, 64M)             0 |                                                    |
            [64M, 128M)            0 |                                                    |
            [128M, 256M)           0 |                                                    |
            [256M, 512M)           0 |                                                    |
            [512M, 1G)             0 |                                                    |
            [1G, 2G)               1 |@@@@@@@@@@@@@@@@@                                   |
            [2G, 4G)               2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  |


            """)
    }

    // bpftrace -e 'BEGIN { @h[1] = hist(3); @h[1] = hist(3); @h[2] = hist(100); @h[3]=hist(7);
    //   @h[3]=hist(7); @h[3]=hist(7); @h[4] = hist(-5); exit(); }'
    func testHistogramKeysOrderByTotalCountThenKey() {
        let map = B.map(
            "@h",
            [
                B.row([.int(3)], B.hist([7, 7, 7])),
                B.row([.int(4)], B.hist([-5])),
                B.row([.int(1)], B.hist([3, 3])),
                B.row([.int(2)], B.hist([100])),
            ])
        XCTAssertEqual(
            BpftraceTextRenderer.renderExit([map]),
            """


            @h[2]:\u{20}
            [64, 128)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @h[4]:\u{20}
            (..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @h[1]:\u{20}
            [2, 4)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @h[3]:\u{20}
            [4, 8)                 3 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|


            """)
    }

    // bpftrace -e 'BEGIN { @l = lhist(-5, 0, 100, 10); @l = lhist(100, 0, 100, 10);
    //   @l = lhist(150, 0, 100, 10); @l = lhist(35, 0, 100, 10);
    //   @l2 = lhist(2048, 1024, 4096, 1024); @l2 = lhist(5000, 1024, 4096, 1024);
    //   @l3 = lhist(55, 50, 60, 3); @l3=lhist(59,50,60,3);
    //   @m = lhist(1048576, 0, 2097152, 1048576); @m = lhist(3000000, 0, 2097152, 1048576);
    //   @m = lhist(5, 0, 2097152, 1048576); exit(); }'
    func testLinearHistogramOpenEndsAndSuffixes() {
        let maps = [
            B.map("@m", [B.row([], B.lhist([1_048_576, 3_000_000, 5], min: 0, max: 2_097_152, step: 1_048_576))]),
            B.map("@l3", [B.row([], B.lhist([55, 59], min: 50, max: 60, step: 3))]),
            B.map("@l2", [B.row([], B.lhist([2048, 5000], min: 1024, max: 4096, step: 1024))]),
            B.map("@l", [B.row([], B.lhist([-5, 100, 150, 35], min: 0, max: 100, step: 10))]),
        ]
        XCTAssertEqual(
            BpftraceTextRenderer.renderExit(maps),
            """


            @l:\u{20}
            (..., 0)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
            [0, 10)                0 |                                                    |
            [10, 20)               0 |                                                    |
            [20, 30)               0 |                                                    |
            [30, 40)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |
            [40, 50)               0 |                                                    |
            [50, 60)               0 |                                                    |
            [60, 70)               0 |                                                    |
            [70, 80)               0 |                                                    |
            [80, 90)               0 |                                                    |
            [90, 100)              0 |                                                    |
            [100, ...)             2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @l2:\u{20}
            [2K, 3K)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [3K, 4K)               0 |                                                    |
            [4K, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @l3:\u{20}
            [53, 56)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [56, 59)               0 |                                                    |
            [60, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @m:\u{20}
            [0, 1M)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [1M, 2M)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [2M, ...)              1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|


            """)
    }

    // bpftrace -e 'BEGIN { @c["b"] = count(); @c["a"] = count(); @c["c"] = count();
    //   @c["c"] = count(); @s[-1] = sum(-5); @s[2] = sum(10); @s[3] = sum(-20); @s[4]=sum(0);
    //   @k[256] = "a"; @k[1] = "b"; @k[2] = "c"; @k[65536] = "d"; @k[3] = "e"; @k[-2]="g";
    //   @t["b", 2] = (1,"x"); @t["a", 3] = (2, "y"); @t["b", 1] = (3, "z");
    //   @n["ab"] = "x"; @n["b"] = "y"; @n["a"] = "z"; @n["B"] = "w"; @neg = -5;
    //   @nt = (1, "a b", (2, -3)); exit(); }'
    // bpftrace printed the @c tie as b before a (hash order); ours breaks ties by key, so the
    // golden below differs from the capture in that one line only.
    func testRowOrderByValueOrByKey() {
        let maps = [
            B.map(
                "@c",
                [
                    B.row([.string("c")], .count(2)), B.row([.string("b")], .count(1)),
                    B.row([.string("a")], .count(1)),
                ]),
            B.map(
                "@s",
                [
                    B.row([.int(-1)], .sum(-5)), B.row([.int(2)], .sum(10)),
                    B.row([.int(3)], .sum(-20)), B.row([.int(4)], .sum(0)),
                ]),
            B.map(
                "@k",
                [
                    B.row([.int(256)], .value(.string("a"))), B.row([.int(1)], .value(.string("b"))),
                    B.row([.int(2)], .value(.string("c"))), B.row([.int(65536)], .value(.string("d"))),
                    B.row([.int(3)], .value(.string("e"))), B.row([.int(-2)], .value(.string("g"))),
                ]),
            B.map(
                "@t",
                [
                    B.row([.string("b"), .int(2)], .value(.tuple([.int(1), .string("x")]))),
                    B.row([.string("a"), .int(3)], .value(.tuple([.int(2), .string("y")]))),
                    B.row([.string("b"), .int(1)], .value(.tuple([.int(3), .string("z")]))),
                ]),
            B.map(
                "@n",
                [
                    B.row([.string("ab")], .value(.string("x"))), B.row([.string("b")], .value(.string("y"))),
                    B.row([.string("a")], .value(.string("z"))), B.row([.string("B")], .value(.string("w"))),
                ]),
            B.map("@neg", [B.row([], .value(.int(-5)))]),
            B.map("@nt", [B.row([], .value(.tuple([.int(1), .string("a b"), .tuple([.int(2), .int(-3)])])))]),
        ]
        let captured = """


            @c[b]: 1
            @c[a]: 1
            @c[c]: 2
            @k[1]: b
            @k[2]: c
            @k[3]: e
            @k[256]: a
            @k[65536]: d
            @k[-2]: g
            @n[B]: w
            @n[a]: z
            @n[ab]: x
            @n[b]: y
            @neg: -5
            @nt: (1, a b, (2, -3))
            @s[3]: -20
            @s[-1]: -5
            @s[4]: 0
            @s[2]: 10
            @t[a, 3]: (2, y)
            @t[b, 1]: (3, z)
            @t[b, 2]: (1, x)

            """
        let expected = captured.replacingOccurrences(of: "@c[b]: 1\n@c[a]: 1\n", with: "@c[a]: 1\n@c[b]: 1\n")
        XCTAssertNotEqual(expected, captured, "the tie line must exist in the capture")
        XCTAssertEqual(BpftraceTextRenderer.renderExit(maps), expected)
    }

    // bpftrace -e 'BEGIN { @m[1] = min(5); @m[2] = min(-3); @m[3] = min(7); @x[1] = max(5);
    //   @x[2]=max(9); @v[1] = avg(10); @v[1] = avg(-3); @v[2] = avg(-7); @v[3] = avg(1);
    //   @st[1] = stats(5); @st[2] = stats(-9); @st[2] = stats(2); exit(); }'
    func testMinMaxAvgStatsOrderAndTruncatingAverage() {
        let maps = [
            B.map("@m", [B.row([.int(1)], .min(5)), B.row([.int(2)], .min(-3)), B.row([.int(3)], .min(7))]),
            B.map("@x", [B.row([.int(2)], .max(9)), B.row([.int(1)], .max(5))]),
            B.map(
                "@v",
                [
                    B.row([.int(1)], .avg(total: 7, count: 2)), B.row([.int(2)], .avg(total: -7, count: 1)),
                    B.row([.int(3)], .avg(total: 1, count: 1)),
                ]),
            B.map(
                "@st", [B.row([.int(1)], .stats(total: 5, count: 1)), B.row([.int(2)], .stats(total: -7, count: 2))]),
        ]
        XCTAssertEqual(
            BpftraceTextRenderer.renderExit(maps),
            """


            @m[2]: -3
            @m[1]: 5
            @m[3]: 7
            @st[2]: { .count = 2, .average = -3, .total = -7 }
            @st[1]: { .count = 1, .average = 5, .total = 5 }

            @v[2]: -7
            @v[3]: 1
            @v[1]: 3

            @x[1]: 5
            @x[2]: 9

            """)
    }

    // bpftrace -e 'BEGIN { @h[1] = hist(5); @h[2] = hist(6); zero(@h); @l = lhist(3,0,10,1);
    //   zero(@l); @c[1] = count(); zero(@c); @v[1] = avg(5); zero(@v); @s = stats(3); zero(@s);
    //   @e[1] = 1; delete(@e[1]); @a = 1; exit(); }'
    func testZeroedAndEmptyMapsPrintBlankLines() {
        let maps = [
            B.map("@h", [B.row([.int(1)], B.emptyHist()), B.row([.int(2)], B.emptyHist())]),
            B.map("@l", [B.row([], .histogram(Histogram(kind: .linear(min: 0, max: 10, step: 1), buckets: [4: 0])))]),
            B.map("@c", [B.row([.int(1)], .count(0))]),
            B.map("@v", [B.row([.int(1)], .avg(total: 0, count: 0))]),
            B.map("@s", [B.row([], .stats(total: 0, count: 0))]),
            B.map("@e", []),
            B.map("@a", [B.row([], .value(.int(1)))]),
        ]
        XCTAssertEqual(
            BpftraceTextRenderer.renderExit(maps),
            """


            @a: 1
            @c[1]: 0

            @h[1]:\u{20}

            @h[2]:\u{20}

            @l:\u{20}

            @s: { .count = 0, .average = 0, .total = 0 }

            @v[1]: 0


            """)
        XCTAssertEqual(BpftraceTextRenderer.render(B.map("@e", [])), "\n")
        let skipped = BpftraceTextRenderer.renderExit(
            [B.map("@e", []), B.map("@a", [B.row([], .count(1))])],
            skipEmpty: true)
        XCTAssertEqual(skipped, "\n\n@a: 1\n")
    }

    // bpftrace -e 'BEGIN { @zeta = 1; @B = 2; @_u = 3; @a1 = 4; @a = 5; @ = 6; exit(); }'
    func testExitOrdersMapsByNameBytewise() {
        let maps = [("@zeta", 1), ("@B", 2), ("@_u", 3), ("@a1", 4), ("@a", 5), ("@", 6)].map {
            B.map($0.0, [B.row([], .value(.int(Int64($0.1))))])
        }
        XCTAssertEqual(
            BpftraceTextRenderer.renderExit(maps),
            """


            @: 6
            @B: 2
            @_u: 3
            @a: 5
            @a1: 4
            @zeta: 1

            """)
    }

    // Runtime print() calls, from:
    // bpftrace -e 'BEGIN { @c[1] = count(); @c[2] = count() x2; @c[3] = count() x5;
    //   print(@c, 2); print(@c, 0, 2); print(@c); @v[1] = avg(10); @v[2] = avg(20);
    //   @v[3] = avg(35); print(@v, 2, 10); @s[1..3] = stats(10/20/30); print(@s, 1, 10);
    //   @h[1] = hist(10); @h[2]=hist(20) x2; @h[3] = hist(3) x3, hist(1); print(@h, 2, 2);
    //   @l = lhist(5, 0, 10, 1) x2, lhist(7,0,10,1); print(@l, 0, 2); @x = 5; print(@x);
    //   @m[1] = min(10); @m[2] = min(20); print(@m, 1, 3); }'
    func testPrintWithTopAndDivisor() {
        let c = B.map("@c", [B.row([.int(3)], .count(5)), B.row([.int(1)], .count(1)), B.row([.int(2)], .count(2))])
        XCTAssertEqual(BpftraceTextRenderer.render(c, options: PrintOptions(top: 2)), "@c[2]: 2\n@c[3]: 5\n")
        XCTAssertEqual(
            BpftraceTextRenderer.render(c, options: PrintOptions(top: 0, divisor: 2)),
            "@c[1]: 0\n@c[2]: 1\n@c[3]: 2\n")
        XCTAssertEqual(BpftraceTextRenderer.render(c), "@c[1]: 1\n@c[2]: 2\n@c[3]: 5\n")

        let v = B.map(
            "@v",
            [
                B.row([.int(1)], .avg(total: 10, count: 1)), B.row([.int(2)], .avg(total: 20, count: 1)),
                B.row([.int(3)], .avg(total: 35, count: 1)),
            ])
        XCTAssertEqual(
            BpftraceTextRenderer.render(v, options: PrintOptions(top: 2, divisor: 10)),
            "@v[2]: 2\n@v[3]: 3\n\n")

        // top and div are ignored for stats maps (bpftrace warns at compile time).
        let s = B.map(
            "@s",
            [
                B.row([.int(3)], .stats(total: 30, count: 1)), B.row([.int(1)], .stats(total: 10, count: 1)),
                B.row([.int(2)], .stats(total: 20, count: 1)),
            ])
        XCTAssertEqual(
            BpftraceTextRenderer.render(s, options: PrintOptions(top: 1, divisor: 10)),
            """
            @s[1]: { .count = 1, .average = 10, .total = 10 }
            @s[2]: { .count = 1, .average = 20, .total = 20 }
            @s[3]: { .count = 1, .average = 30, .total = 30 }


            """)

        // The divisor divides hist counts but not the bars; top keeps the biggest keys.
        let h = B.map(
            "@h",
            [
                B.row([.int(1)], B.hist([10])), B.row([.int(2)], B.hist([20, 20])),
                B.row([.int(3)], B.hist([3, 3, 3, 1])),
            ])
        XCTAssertEqual(
            BpftraceTextRenderer.render(h, options: PrintOptions(top: 2, divisor: 2)),
            """
            @h[2]:\u{20}
            [16, 32)               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|

            @h[3]:\u{20}
            [1]                    0 |@@@@@@@@@@@@@@@@@                                   |
            [2, 4)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|


            """)

        // lhist ignores the divisor.
        let l = B.map("@l", [B.row([], B.lhist([5, 5, 7], min: 0, max: 10, step: 1))])
        XCTAssertEqual(
            BpftraceTextRenderer.render(l, options: PrintOptions(top: 0, divisor: 2)),
            """
            @l:\u{20}
            [5, 6)                 2 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
            [6, 7)                 0 |                                                    |
            [7, 8)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@                          |


            """)

        XCTAssertEqual(BpftraceTextRenderer.render(B.map("@x", [B.row([], .value(.int(5)))])), "@x: 5\n")
        let m = B.map("@m", [B.row([.int(1)], .min(10)), B.row([.int(2)], .min(20))])
        XCTAssertEqual(BpftraceTextRenderer.render(m, options: PrintOptions(top: 1, divisor: 3)), "@m[2]: 6\n")
    }

    // bpftrace -e 'profile:hz:99 { @[kstack(3)] = count(); @s[ustack(2), comm, kstack(2)] = count();
    //   @k = kstack(2); } interval:ms:300 { exit(); }'
    // A stack in a key is indented by 4 spaces, a stack as a value by 8; an unreadable stack
    // (the idle task has no user stack) prints as nothing.
    func testStacksInKeysAndValues() {
        let idle = ["pv_native_safe_halt+11", "default_idle+5", "default_idle_call+36"]
        let maps = [
            B.map("@", [B.row([.stack(idle)], .count(29))]),
            B.map("@s", [B.row([.stack([]), .string("swapper/0"), .stack(Array(idle.prefix(2)))], .count(29))]),
            B.map("@k", [B.row([], .value(.stack(Array(idle.prefix(2)))))]),
        ]
        XCTAssertEqual(
            BpftraceTextRenderer.renderExit(maps),
            """


            @[
                pv_native_safe_halt+11
                default_idle+5
                default_idle_call+36
            ]: 29
            @k:\u{20}
                    pv_native_safe_halt+11
                    default_idle+5

            @s[, swapper/0,\u{20}
                pv_native_safe_halt+11
                default_idle+5
            ]: 29

            """)
    }

    // bpftrace -e 'BEGIN { @z[1] = ustack; @z[2] = ustack; exit(); }': rows of a stack-valued
    // map follow each other without a separator; one blank line closes the map.
    func testStackValuedMapRows() {
        let frames = ["syscall+25", "0x7fff3f872318"]
        let map = B.map("@z", [B.row([.int(2)], .value(.stack(frames))), B.row([.int(1)], .value(.stack(frames)))])
        XCTAssertEqual(
            BpftraceTextRenderer.render(map),
            """
            @z[1]:\u{20}
                    syscall+25
                    0x7fff3f872318
            @z[2]:\u{20}
                    syscall+25
                    0x7fff3f872318


            """)
    }

    // bpftrace -e 'BEGIN { print(5); print("str"); print((1,"t",(2,"u"))); }'
    func testPrintOfPlainValues() {
        XCTAssertEqual(BpftraceTextRenderer.renderValue(.int(5)), "5\n")
        XCTAssertEqual(BpftraceTextRenderer.renderValue(.string("str")), "str\n")
        XCTAssertEqual(
            BpftraceTextRenderer.renderValue(.tuple([.int(1), .string("t"), .tuple([.int(2), .string("u")])])),
            "(1, t, (2, u))\n")
        XCTAssertEqual(BpftraceTextRenderer.attachedProbes(1), "Attached 1 probe\n")
        XCTAssertEqual(BpftraceTextRenderer.attachedProbes(2), "Attached 2 probes\n")
    }

    func testSignedKeysSortAsUnsignedLikeBpftrace() {
        let map = B.map(
            "@k",
            [
                B.row([.int(-1)], .value(.string("n"))), B.row([.uint(UInt64.max - 1)], .value(.string("big"))),
                B.row([.int(0)], .value(.string("z"))),
            ])
        XCTAssertEqual(BpftraceTextRenderer.render(map), "@k[0]: z\n@k[18446744073709551614]: big\n@k[-1]: n\n")
    }

    func testUnsignedCountsBeyondInt64SortLast() {
        let map = B.map("@c", [B.row([.int(1)], .count(UInt64.max)), B.row([.int(2)], .count(3))])
        XCTAssertEqual(BpftraceTextRenderer.render(map), "@c[2]: 3\n@c[1]: 18446744073709551615\n")
    }

    func testLabelsOfTheHighestBuckets() {
        XCTAssertEqual(BpftraceTextRenderer.log2Label(44), "[4T, 8T)")
        XCTAssertEqual(BpftraceTextRenderer.log2Label(64), "[4194304T, 8388608T)")
        XCTAssertEqual(BpftraceTextRenderer.linearNumber(-2048), "-2K")
        XCTAssertEqual(BpftraceTextRenderer.linearNumber(3 * 1_048_576), "3M")
        XCTAssertEqual(BpftraceTextRenderer.linearNumber(1500), "1500")
    }

    /// bpftrace computes the bar in single precision; 1/3 of 52 is 17 `@`, 2/3 is 34.
    func testBarLengthsTruncate() {
        XCTAssertEqual(BpftraceTextRenderer.bar(1, max: 3).count, 17)
        XCTAssertEqual(BpftraceTextRenderer.bar(2, max: 3).count, 34)
        XCTAssertEqual(BpftraceTextRenderer.bar(3, max: 3).count, 52)
        XCTAssertEqual(BpftraceTextRenderer.bar(0, max: 3).count, 0)
        XCTAssertEqual(BpftraceTextRenderer.bar(UInt64.max, max: UInt64.max).count, 52)
    }

    /// Data bpftrace never produces must still render without trapping.
    func testMalformedHistogramsDoNotTrap() {
        let kinds: [HistogramKind] = [
            .linear(min: 0, max: 10, step: 0), .linear(min: 10, max: 0, step: 1),
            .linear(min: Int64.min, max: Int64.max, step: 1), .log2,
        ]
        for kind in kinds {
            let h = Histogram(kind: kind, buckets: [-3: 1, 0: 2, 1: UInt64.max, 70: 5, Int.max: 1])
            let map = B.map("@h", [B.row([], .histogram(h))])
            XCTAssertFalse(BpftraceTextRenderer.render(map, options: PrintOptions(top: -1, divisor: -4)).isEmpty)
            XCTAssertFalse(JSONRenderer.render(map).isEmpty)
        }
        let avg = B.map("@v", [B.row([], .avg(total: Int64.min, count: UInt64.max))])
        XCTAssertEqual(BpftraceTextRenderer.render(avg), "@v: -9223372036854775808\n\n")
    }
}
