import XCTest

@testable import Tables

/// Golden lines captured from `bpftrace -f json` v0.17.0; the program is quoted above each.
final class JSONRendererTests: XCTestCase {
    typealias B = Build

    // bpftrace -f json -e 'BEGIN { @a = count(); @b[1,"x"] = 5; @c[comm] = sum(3); @h = hist(5);
    //   @h = hist(0); @h=hist(-1); @h=hist(1000); @l = lhist(7, 0, 100, 10);
    //   @l = lhist(-7, 0, 100, 10); @l = lhist(700, 0, 100, 10); @s = stats(10); @s=stats(20);
    //   @v = avg(7); @m = min(3); @x = max(4); @str[1] = comm; @t = (1, "a");
    //   @t2[2] = (3, "b\"q", (4, "c")); @hk[1, "a"] = hist(3); @hk[2, "b"] = hist(300);
    //   @sk["k"] = stats(3); @neg = -5; @q["x\ty"] = 1; @e[1] = 1; delete(@e[1]); exit(); }'
    func testExitDump() {
        let maps = [
            B.map("@a", [B.row([], .count(1))]),
            B.map("@b", [B.row([.int(1), .string("x")], .value(.int(5)))]),
            B.map("@c", [B.row([.string("bpftrace")], .sum(3))]),
            B.map("@h", [B.row([], B.hist([5, 0, -1, 1000]))]),
            B.map("@l", [B.row([], B.lhist([7, -7, 700], min: 0, max: 100, step: 10))]),
            B.map("@s", [B.row([], .stats(total: 30, count: 2))]),
            B.map("@v", [B.row([], .avg(total: 7, count: 1))]),
            B.map("@m", [B.row([], .min(3))]),
            B.map("@x", [B.row([], .max(4))]),
            B.map("@str", [B.row([.int(1)], .value(.string("bpftrace")))]),
            B.map("@t", [B.row([], .value(.tuple([.int(1), .string("a")])))]),
            B.map(
                "@t2", [B.row([.int(2)], .value(.tuple([.int(3), .string("b\"q"), .tuple([.int(4), .string("c")])])))]),
            B.map(
                "@hk", [B.row([.int(2), .string("b")], B.hist([300])), B.row([.int(1), .string("a")], B.hist([3]))]),
            B.map("@sk", [B.row([.string("k")], .stats(total: 3, count: 1))]),
            B.map("@neg", [B.row([], .value(.int(-5)))]),
            B.map("@q", [B.row([.string("x\ty")], .value(.int(1)))]),
            B.map("@e", []),
        ]
        XCTAssertEqual(
            JSONRenderer.renderExit(maps),
            #"""


            {"type": "map", "data": {"@a": 1}}
            {"type": "map", "data": {"@b": {"1,x": 5}}}
            {"type": "map", "data": {"@c": {"bpftrace": 3}}}
            {"type": "hist", "data": {"@h": [{"max": -1, "count": 1}, {"min": 0, "max": 0, "count": 1}, {"min": 1, \#
            "max": 1, "count": 0}, {"min": 2, "max": 3, "count": 0}, {"min": 4, "max": 7, "count": 1}, {"min": 8, \#
            "max": 15, "count": 0}, {"min": 16, "max": 31, "count": 0}, {"min": 32, "max": 63, "count": 0}, {"min": \#
            64, "max": 127, "count": 0}, {"min": 128, "max": 255, "count": 0}, {"min": 256, "max": 511, "count": 0}, \#
            {"min": 512, "max": 1023, "count": 1}]}}
            {"type": "hist", "data": {"@hk": {"1,a": [{"min": 2, "max": 3, "count": 1}], "2,b": [{"min": 256, "max": \#
            511, "count": 1}]}}}
            {"type": "hist", "data": {"@l": [{"max": -1, "count": 1}, {"min": 0, "max": 9, "count": 1}, {"min": 10, \#
            "max": 19, "count": 0}, {"min": 20, "max": 29, "count": 0}, {"min": 30, "max": 39, "count": 0}, {"min": \#
            40, "max": 49, "count": 0}, {"min": 50, "max": 59, "count": 0}, {"min": 60, "max": 69, "count": 0}, \#
            {"min": 70, "max": 79, "count": 0}, {"min": 80, "max": 89, "count": 0}, {"min": 90, "max": 99, "count": \#
            0}, {"min": 100, "count": 1}]}}
            {"type": "map", "data": {"@m": 3}}
            {"type": "map", "data": {"@neg": -5}}
            {"type": "map", "data": {"@q": {"x\ty": 1}}}
            {"type": "stats", "data": {"@s": {"count": 2, "average": 15, "total": 30}}}
            {"type": "stats", "data": {"@sk": {"k": {"count": 1, "average": 3, "total": 3}}}}
            {"type": "map", "data": {"@str": {"1": "bpftrace"}}}
            {"type": "map", "data": {"@t": [1,"a"]}}
            {"type": "map", "data": {"@t2": {"2": [3,"b\"q",[4,"c"]]}}}
            {"type": "stats", "data": {"@v": 7}}
            {"type": "map", "data": {"@x": 4}}

            """#)
    }

    // bpftrace -f json -e 'BEGIN { @c[1] = count(); @c[2] = count() x2; @c[3] = count() x3;
    //   print(@c, 2, 2); @h[1] = hist(3); @h[2] = hist(3) x2; @h[3]=hist(3) x3; print(@h, 2, 2);
    //   @l = lhist(3, 0, 10, 1) x2; print(@l, 0, 2); @v[1] = avg(10); @v[2] = avg(20);
    //   print(@v, 1, 10); @s[1] = stats(10); @s[2]=stats(20); print(@s, 1, 10);
    //   @z[1] = hist(4); zero(@z); print(@z); printf("hi %d \"q\"\n\ttab\x01", 5); print(5);
    //   print("str"); print((1,"t")); clear(...all maps...); exit(); }'
    func testPrintCallsWithTopAndDivisorAndMessages() throws {
        let c = B.map("@c", [B.row([.int(1)], .count(1)), B.row([.int(2)], .count(2)), B.row([.int(3)], .count(3))])
        let h = B.map(
            "@h",
            [
                B.row([.int(1)], B.hist([3])), B.row([.int(2)], B.hist([3, 3])),
                B.row([.int(3)], B.hist([3, 3, 3])),
            ])
        let l = B.map("@l", [B.row([], B.lhist([3, 3], min: 0, max: 10, step: 1))])
        let v = B.map("@v", [B.row([.int(1)], .avg(total: 10, count: 1)), B.row([.int(2)], .avg(total: 20, count: 1))])
        let s = B.map(
            "@s", [B.row([.int(1)], .stats(total: 10, count: 1)), B.row([.int(2)], .stats(total: 20, count: 1))])
        let z = B.map("@z", [B.row([.int(1)], B.emptyHist())])
        let printed = try PrintfFormatter.format("hi %d \"q\"\n\ttab\u{1}", [.int(5)])
        let output =
            JSONRenderer.render(c, options: PrintOptions(top: 2, divisor: 2))
            + JSONRenderer.render(h, options: PrintOptions(top: 2, divisor: 2))
            + JSONRenderer.render(l, options: PrintOptions(top: 0, divisor: 2))
            + JSONRenderer.render(v, options: PrintOptions(top: 1, divisor: 10))
            + JSONRenderer.render(s, options: PrintOptions(top: 1, divisor: 10))
            + JSONRenderer.render(z)
            + JSONRenderer.printf(printed)
            + JSONRenderer.value(.int(5))
            + JSONRenderer.value(.string("str"))
            + JSONRenderer.value(.tuple([.int(1), .string("t")]))
            + JSONRenderer.renderExit([B.map("@c", []), B.map("@h", [])])
        XCTAssertEqual(
            output,
            #"""
            {"type": "map", "data": {"@c": {"2": 1, "3": 1}}}
            {"type": "hist", "data": {"@h": {"2": [{"min": 2, "max": 3, "count": 1}], "3": [{"min": 2, "max": 3, \#
            "count": 1}]}}}
            {"type": "hist", "data": {"@l": [{"min": 3, "max": 3, "count": 2}]}}
            {"type": "stats", "data": {"@v": {"2": 2}}}
            {"type": "stats", "data": {"@s": {"1": {"count": 1, "average": 10, "total": 10}, "2": {"count": 1, \#
            "average": 20, "total": 20}}}}
            {"type": "hist", "data": {"@z": {"1": []}}}
            {"type": "printf", "data": "hi 5 \"q\"\n\ttab\u0001"}
            {"type": "value", "data": 5}
            {"type": "value", "data": "str"}
            {"type": "value", "data": [1,"t"]}



            """#)
    }

    // bpftrace -f json -e 'profile:hz:99 { @[kstack(2)] = count(); } interval:ms:250 { exit(); }'
    // and -e 'BEGIN { @z2 = ustack(2); ... }': stacks are strings, with their newlines and
    // indentation (4 in keys, 8 in values); an unreadable stack is the empty string.
    func testStacks() {
        let keyed = B.map(
            "@",
            [
                B.row([.stack(["pv_native_safe_halt+11", "default_idle+5"])], .count(11)),
                B.row([.stack([])], .count(30)),
            ])
        XCTAssertEqual(
            JSONRenderer.render(keyed),
            #"""
            {"type": "map", "data": {"@": {"\n    pv_native_safe_halt+11\n    default_idle+5\n": 11, "": 30}}}

            """#)
        let valued = B.map("@z2", [B.row([], .value(.stack(["syscall+25", "0x7ffc4b3beb18"])))])
        XCTAssertEqual(
            JSONRenderer.render(valued),
            #"""
            {"type": "map", "data": {"@z2": "\n        syscall+25\n        0x7ffc4b3beb18\n"}}

            """#)
    }

    func testOtherMessages() {
        XCTAssertEqual(JSONRenderer.attachedProbes(1), #"{"type": "attached_probes", "data": {"probes": 1}}"# + "\n")
        XCTAssertEqual(JSONRenderer.lostEvents(7), #"{"type": "lost_events", "data": {"events": 7}}"# + "\n")
        XCTAssertEqual(JSONRenderer.time("2026\n"), #"{"type": "time", "data": "2026\n"}"# + "\n")
        XCTAssertEqual(JSONRenderer.message(type: "join", text: "a b"), #"{"type": "join", "data": "a b"}"# + "\n")
    }

    func testEscaping() {
        XCTAssertEqual(JSONRenderer.escape("a\"b\\c\nd\re\tf\u{1}\u{1f} é"), #"a\"b\\c\nd\re\tf\u0001\u001f é"#)
        XCTAssertEqual(JSONRenderer.quote("@x\"y"), #""@x\"y""#)
    }

    func testLinearHistogramBoundsAndHighLog2Bounds() {
        let l = Histogram(kind: .linear(min: 50, max: 60, step: 3), buckets: [0: 1, 2: 1, 4: 1])
        XCTAssertEqual(
            JSONRenderer.histogram(l),
            #"[{"max": 49, "count": 1}, {"min": 50, "max": 52, "count": 0}, {"min": 53, "max": 55, "count": 1}, "#
                + #"{"min": 56, "max": 58, "count": 0}, {"min": 60, "count": 1}]"#
        )
        let h = Histogram(kind: .log2, buckets: [64: 2])
        XCTAssertEqual(
            JSONRenderer.histogram(h, divisor: 2),
            #"[{"min": 4611686018427387904, "max": 9223372036854775807, "count": 1}]"#)
    }
}
