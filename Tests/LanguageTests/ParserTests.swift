import XCTest

@testable import Language

final class ParserTests: XCTestCase {
    // MARK: Probes and attach points

    func testBeginEndSpellings() throws {
        let program = try parse("BEGIN { } begin { } END { } end { }")
        XCTAssertEqual(program.probes.map { $0.attachPoints.map(\.text) }, [["BEGIN"], ["begin"], ["END"], ["end"]])
        XCTAssertTrue(program.probes.allSatisfy { $0.body.isEmpty && $0.predicate == nil })
    }

    func testSeveralAttachPointsAndAPredicate() throws {
        let text =
            "kprobe:vfs_read, kprobe:vfs_write,\n  tracepoint:sched:sched_switch /pid > 0/ { @[probe] = count(); }"
        let program = try parse(text)
        XCTAssertEqual(program.probes.count, 1)
        let probe = program.probes[0]
        XCTAssertEqual(
            probe.attachPoints.map(\.text), ["kprobe:vfs_read", "kprobe:vfs_write", "tracepoint:sched:sched_switch"])
        XCTAssertEqual(
            probe.attachPoints.map { Language_text($0.range, text) },
            ["kprobe:vfs_read", "kprobe:vfs_write", "tracepoint:sched:sched_switch"])
        XCTAssertEqual(probe.predicate.map(sexpr), "(> pid 0)")
        XCTAssertEqual(block(probe.body), "{(= @[probe] count())}")
    }

    func testAttachPointsWithoutSpaces() throws {
        let program = try parse("t:sched:sched_switch,t:sched:sched_wakeup{@=count()}BEGIN{exit()}")
        XCTAssertEqual(
            program.probes.map { $0.attachPoints.map(\.text) },
            [["t:sched:sched_switch", "t:sched:sched_wakeup"], ["BEGIN"]])
    }

    func testUprobePredicate() throws {
        let program = try parse("uprobe:/bin/bash:readline /pid == 1/ { printf(\"%d\", retval); }")
        XCTAssertEqual(program.probes[0].attachPoints.map(\.text), ["uprobe:/bin/bash:readline"])
        XCTAssertEqual(program.probes[0].predicate.map(sexpr), "(== pid 1)")
    }

    func testWildcardAttachPoint() throws {
        let program = try parse("tracepoint:syscalls:sys_enter_* { @[probe] = count(); }")
        XCTAssertEqual(program.probes[0].attachPoints.map(\.text), ["tracepoint:syscalls:sys_enter_*"])
    }

    func testPredicatesWithDivision() throws {
        let cases: [(String, String)] = [
            ("/(nsecs / 1000) > 5/", "(> (/ nsecs 1000) 5)"),
            ("/@x[nsecs / 2] > 0/", "(> @x[(/ nsecs 2)] 0)"),
            ("/str(arg0, 10 / 2) == \"a/b\"/", "(== str(arg0, (/ 10 2)) \"a/b\")"),
            ("/((arg0 / 3) / 2) * 2/", "(* (/ (/ arg0 3) 2) 2)"),
            ("/pid/", "pid"),
            ("/ pid == 1 && comm == \"sh\" /", "(&& (== pid 1) (== comm \"sh\"))"),
            ("/arg0 % 2 == 0 ? 1 : 0/", "(? (== (% arg0 2) 0) 1 0)"),
        ]
        for (predicate, tree) in cases {
            let program = try parse("kprobe:vfs_read \(predicate) { }")
            XCTAssertEqual(program.probes[0].predicate.map(sexpr), tree, predicate)
        }
    }

    func testDivisionOutsideParenthesesEndsThePredicate() {
        XCTAssertEqual(
            parseErrorText("k:vfs_read /arg0 / 2 > 0/ { }"),
            """
            prog.bt:1:20: error: expected '{' to start the probe body, found integer 2
            k:vfs_read /arg0 / 2 > 0/ { }
                               ^

            """)
    }

    func testDivisionInTheBodyIsNotAffectedByPredicates() throws {
        let program = try parse("k:vfs_read /pid/ { $x = arg0 / 2; }")
        XCTAssertEqual(block(program.probes[0].body), "{(= $x (/ arg0 2))}")
    }

    // MARK: Statements

    func testIfElseIfElse() {
        XCTAssertEqual(
            bodyText("if (pid > 1) { @a = 1; } else if (pid == 0) { @b = 2 } else { @c = 3 }"),
            "{(if (> pid 1) {(= @a 1)} else {(if (== pid 0) {(= @b 2)} else {(= @c 3)})})}")
        XCTAssertEqual(bodyText("if (1) { }"), "{(if 1 {})}")
    }

    func testLoops() {
        XCTAssertEqual(
            bodyText("while ($i < 10) { $i++; if ($i == 5) { break; } continue; }"),
            "{(while (< $i 10) {(post++ $i); (if (== $i 5) {break}); continue})}")
        XCTAssertEqual(bodyText("unroll(3) { @x++ }"), "{(unroll 3 {(post++ @x)})}")
        XCTAssertEqual(bodyText("for ($i : 0..10) { @s += $i; }"), "{(for $i : 0..10 {(+= @s $i)})}")
        XCTAssertEqual(bodyText("for ($i : $a + 1..$b * 2) { }"), "{(for $i : (+ $a 1)..(* $b 2) {})}")
        XCTAssertEqual(bodyText("for ($kv : @m) { print($kv) }"), "{(for $kv : @m {print($kv)})}")
    }

    func testLetReturnAndBlocks() {
        XCTAssertEqual(
            bodyText("let $x; let $y: uint8; let $z: int64 = 5; let $s = comm;"),
            "{(let $x); (let $y : uint8); (let $z : int64 = 5); (let $s = comm)}")
        XCTAssertEqual(bodyText("return;"), "{return}")
        XCTAssertEqual(bodyText("{ $a = 1; { $b = 2 } }"), "{{(= $a 1); {(= $b 2)}}}")
        XCTAssertEqual(bodyText(";;; $a = 1;;"), "{(= $a 1)}")
        XCTAssertEqual(bodyText("if (1) { } printf(\"x\")"), "{(if 1 {}); printf(\"x\")}")
        XCTAssertEqual(
            bodyText("while (0) { } unroll(1) { } for ($i : 0..1) { } { } exit()"),
            "{(while 0 {}); (unroll 1 {}); (for $i : 0..1 {}); {}; exit()}")
    }

    func testAssignments() {
        XCTAssertEqual(
            bodyText(
                "$x = 1; $x += 2; $x -= 1; $x *= 3; $x /= 2; $x %= 5; $x &= 1; $x |= 8; $x ^= 2; $x <<= 1; $x >>= 1"),
            "{(= $x 1); (+= $x 2); (-= $x 1); (*= $x 3); (/= $x 2); (%= $x 5); (&= $x 1); "
                + "(|= $x 8); (^= $x 2); (<<= $x 1); (>>= $x 1)}"
        )
        XCTAssertEqual(
            bodyText("@m[comm, pid] += 1; @ = 2; args.x = 3"),
            "{(+= @m[comm, pid] 1); (= @ 2); (= (. args x) 3)}")
        XCTAssertEqual(
            bodyText("$x++; $x--; ++$x; --$x; @c[pid]++"),
            "{(post++ $x); (post-- $x); (pre++ $x); (pre-- $x); (post++ @c[pid])}")
    }

    // MARK: Expressions

    func testCPrecedence() {
        XCTAssertEqual(exprText("1 + 2 * 3 << 1 == 14 && !0"), "(&& (== (<< (+ 1 (* 2 3)) 1) 14) (! 0))")
        XCTAssertEqual(exprText("a | b ^ c & d"), "(| a (^ b (& c d)))")
        XCTAssertEqual(exprText("a & b == c"), "(& a (== b c))")
        XCTAssertEqual(exprText("a || b && c || d"), "(|| (|| a (&& b c)) d)")
        XCTAssertEqual(exprText("x < y == z != w"), "(!= (== (< x y) z) w)")
        XCTAssertEqual(exprText("a >= b < c"), "(< (>= a b) c)")
        XCTAssertEqual(exprText("1 << 2 + 3"), "(<< 1 (+ 2 3))")
        XCTAssertEqual(exprText("1 - 2 - 3"), "(- (- 1 2) 3)")
        XCTAssertEqual(exprText("10 % 3 / 2 * 1"), "(* (/ (% 10 3) 2) 1)")
        XCTAssertEqual(exprText("(1 + 2) * 3"), "(* (+ 1 2) 3)")
        XCTAssertEqual(exprText("-x * y"), "(* (- x) y)")
        XCTAssertEqual(exprText("~-!x"), "(~ (- (! x)))")
        XCTAssertEqual(exprText("*arg0 + 1"), "(+ (* arg0) 1)")
        XCTAssertEqual(exprText("+1"), "(+ 1)")
        XCTAssertEqual(exprText("$1 + $#"), "(+ $1 $#)")
    }

    func testTernary() {
        XCTAssertEqual(exprText("a ? b : c"), "(? a b c)")
        XCTAssertEqual(exprText("a ? b : c ? d : e"), "(? a b (? c d e))")
        XCTAssertEqual(exprText("a ? b ? 1 : 2 : 3"), "(? a (? b 1 2) 3)")
        XCTAssertEqual(exprText("a || b ? c + 1 : d"), "(? (|| a b) (+ c 1) d)")
    }

    func testIncrements() {
        XCTAssertEqual(exprText("$x++ + ++$y"), "(+ (post++ $x) (pre++ $y))")
        XCTAssertEqual(exprText("@x[1]--"), "(post-- @x[1])")
    }

    func testCasts() {
        XCTAssertEqual(exprText("(uint8)x"), "(cast uint8 x)")
        XCTAssertEqual(exprText("(struct task_struct *)curtask"), "(cast struct task_struct* curtask)")
        XCTAssertEqual(exprText("(unsigned long long)x"), "(cast unsigned long long x)")
        XCTAssertEqual(exprText("(int8 **)p"), "(cast int8** p)")
        XCTAssertEqual(exprText("(string[8])comm"), "(cast string[8] comm)")
        XCTAssertEqual(exprText("(uint8)x + 1"), "(+ (cast uint8 x) 1)")
        XCTAssertEqual(exprText("(uint32)-1"), "(cast uint32 (- 1))")
        XCTAssertEqual(exprText("(uint16)(int8)x"), "(cast uint16 (cast int8 x))")
        XCTAssertEqual(exprText("(struct task_struct *)curtask->pid"), "(cast struct task_struct* (-> curtask pid))")
        XCTAssertEqual(exprText("((struct task_struct *)curtask)->pid"), "(-> (cast struct task_struct* curtask) pid)")
        // A parenthesised name that is not a type is not a cast.
        XCTAssertEqual(exprText("(x)"), "x")
        XCTAssertEqual(exprText("(pid) - 1"), "(- pid 1)")
    }

    func testCastTypeSyntax() throws {
        let expr = try Parser.parseExpression(source("(struct task_struct **)x"))
        guard case .cast(let type, _) = expr.kind else { return XCTFail("not a cast") }
        XCTAssertEqual(type.name, "struct task_struct")
        XCTAssertEqual(type.pointerDepth, 2)
        XCTAssertNil(type.arrayLength)
    }

    func testTuplesFieldsAndIndexes() {
        XCTAssertEqual(exprText("(1, \"a\", comm)"), "(tuple 1 \"a\" comm)")
        XCTAssertEqual(exprText("((1, 2), 3)"), "(tuple (tuple 1 2) 3)")
        XCTAssertEqual(exprText("$t.0"), "(. $t 0)")
        XCTAssertEqual(exprText("$t.1.0"), "(. (. $t 1) 0)")
        XCTAssertEqual(exprText("args.filename"), "(. args filename)")
        XCTAssertEqual(exprText("args->filename"), "(-> args filename)")
        XCTAssertEqual(exprText("args->prev_comm == comm"), "(== (-> args prev_comm) comm)")
        XCTAssertEqual(exprText("arg0[2]"), "([] arg0 2)")
        XCTAssertEqual(exprText("$p->a.b[1]"), "([] (. (-> $p a) b) 1)")
    }

    func testFieldAndIndexAreExprNodes() throws {
        let expr = try Parser.parseExpression(source("args->x"))
        guard case .field(let base, let name, let arrow) = expr.kind else { return XCTFail("not a field") }
        XCTAssertEqual(sexpr(base), "args")
        XCTAssertEqual(name, "x")
        XCTAssertTrue(arrow)
    }

    func testMapsAndCalls() {
        XCTAssertEqual(exprText("@x[1, \"a\"]"), "@x[1, \"a\"]")
        XCTAssertEqual(exprText("@[pid]"), "@[pid]")
        XCTAssertEqual(exprText("@"), "@")
        XCTAssertEqual(exprText("@x[(1, 2)]"), "@x[(tuple 1 2)]")
        XCTAssertEqual(exprText("@x[@y[1]]"), "@x[@y[1]]")
        XCTAssertEqual(exprText("f()"), "f()")
        XCTAssertEqual(exprText("str(arg0, 16)"), "str(arg0, 16)")
        XCTAssertEqual(exprText("sizeof(int32)"), "(sizeof int32)")
        XCTAssertEqual(exprText("sizeof(struct task_struct)"), "(sizeof struct task_struct)")
        XCTAssertEqual(exprText("sizeof($x)"), "sizeof($x)")
        XCTAssertEqual(exprText("\"a\" \"b\"  \"c\""), "\"abc\"")
    }

    func testExpressionIDsAreUnique() throws {
        let program = try parse("BEGIN { $x = 1 + 2 * 3; @m[$x, comm] = (1, 2); } END { print(@m) }")
        var ids: [Int] = []
        func collect(_ e: Expr) {
            ids.append(e.id)
            switch e.kind {
            case .map(_, let keys): keys.forEach(collect)
            case .call(_, let args): args.forEach(collect)
            case .binary(_, let l, let r):
                collect(l)
                collect(r)
            case .tuple(let es): es.forEach(collect)
            default: break
            }
        }
        for probe in program.probes {
            for s in probe.body {
                switch s.kind {
                case .assign(let t, _, let v):
                    collect(t)
                    collect(v)
                case .expr(let e): collect(e)
                default: break
                }
            }
        }
        XCTAssertEqual(ids.count, 14)
        XCTAssertEqual(Set(ids).count, ids.count)
    }

    func testExpressionRanges() throws {
        let text = "BEGIN { $x = a + foo(1, 2) * @m[3]; }"
        let program = try parse(text)
        guard case .assign(let target, _, let value) = program.probes[0].body[0].kind else { return XCTFail() }
        XCTAssertEqual(Language_text(target.range, text), "$x")
        XCTAssertEqual(Language_text(value.range, text), "a + foo(1, 2) * @m[3]")
        guard case .binary(_, _, let rhs) = value.kind, case .binary(_, let call, let map) = rhs.kind else {
            return XCTFail()
        }
        XCTAssertEqual(Language_text(call.range, text), "foo(1, 2)")
        XCTAssertEqual(Language_text(map.range, text), "@m[3]")
    }

    func testParseExpression() throws {
        XCTAssertEqual(exprText("pid == 1 && comm == \"x\""), "(&& (== pid 1) (== comm \"x\"))")
        XCTAssertThrowsError(try Parser.parseExpression(source("pid == 1 garbage"))) { error in
            XCTAssertEqual((error as? Diagnostic)?.message, "unexpected 'garbage' after the end of the expression")
            XCTAssertEqual((error as? Diagnostic)?.range, SourceRange(9, 16))
        }
        XCTAssertThrowsError(try Parser.parseExpression(source(""))) { error in
            XCTAssertEqual((error as? Diagnostic)?.message, "unexpected end of input: expected an expression")
        }
    }

    // MARK: Errors, rendered with file:line:col, the line and a caret

    func testMissingCloseParenthesis() {
        XCTAssertEqual(
            parseErrorText(#"BEGIN { printf("x" }"#),
            """
            prog.bt:1:20: error: expected ')' to close the call to printf(), found '}'
            BEGIN { printf("x" }
                               ^

            """)
    }

    func testMissingSemicolon() {
        XCTAssertEqual(
            parseErrorText("BEGIN { $x = 1 $y = 2 }"),
            """
            prog.bt:1:16: error: expected ';' or '}' after the statement, found '$y'
            BEGIN { $x = 1 $y = 2 }
                           ^~

            """)
    }

    func testEmptyPredicateOperandOnSecondLine() {
        XCTAssertEqual(
            parseErrorText("kprobe:vfs_read\n/pid == /\n{ }"),
            """
            prog.bt:2:9: error: expected an expression, found '/'
            /pid == /
                    ^

            """)
    }

    func testAssignmentToANonLValue() {
        XCTAssertEqual(
            parseErrorText("BEGIN { 1 = 2; }"),
            """
            prog.bt:1:9: error: cannot assign to this expression: only maps, $variables and fields are assignable
            BEGIN { 1 = 2; }
                    ^

            """)
        XCTAssertEqual(
            parseErrorText("BEGIN { pid + 1 = 2; }"),
            """
            prog.bt:1:9: error: cannot assign to this expression: only maps, $variables and fields are assignable
            BEGIN { pid + 1 = 2; }
                    ^~~~~~~

            """)
    }

    func testUnclosedMapKey() {
        XCTAssertEqual(
            parseErrorText("BEGIN { @x[1 = 2; }"),
            """
            prog.bt:1:14: error: expected ']' to close the map key, found '='
            BEGIN { @x[1 = 2; }
                         ^

            """)
    }

    func testUnterminatedBlockAtEndOfInput() {
        XCTAssertEqual(
            parseErrorText("BEGIN {\n  printf(\"x\");\n"),
            """
            prog.bt:3:1: error: unterminated block: expected '}'

            ^

            """)
    }

    func testProbeWithoutBody() {
        XCTAssertEqual(
            parseErrorText("BEGIN"),
            """
            prog.bt:1:6: error: expected '{' to start the probe body, found end of input
            BEGIN
                 ^

            """)
    }

    func testCaretKeepsTabs() {
        XCTAssertEqual(
            parseErrorText("\tBEGIN { if { } }"),
            "prog.bt:1:13: error: expected a condition after 'if'\n\tBEGIN { if { } }\n\t           ^\n")
    }

    func testKeywordInExpression() {
        XCTAssertEqual(
            parseErrorText("BEGIN { $x = while; }"),
            """
            prog.bt:1:14: error: 'while' cannot be used in an expression
            BEGIN { $x = while; }
                         ^~~~~

            """)
    }

    func testUnexpectedCharacterInBody() {
        XCTAssertEqual(
            parseErrorText("BEGIN {\n  @x = 1 ` 2;\n}"),
            """
            prog.bt:2:10: error: unexpected character '`'
              @x = 1 ` 2;
                     ^

            """)
    }

    func testMissingOperand() {
        XCTAssertEqual(
            parseErrorText("BEGIN { $x = ; }"),
            """
            prog.bt:1:14: error: expected an expression, found ';'
            BEGIN { $x = ; }
                         ^

            """)
        XCTAssertEqual(
            parseErrorText(#"BEGIN { printf("%d", $x, ) }"#),
            """
            prog.bt:1:26: error: expected an expression, found ')'
            BEGIN { printf("%d", $x, ) }
                                     ^

            """)
    }

    func testEmptyProgram() {
        XCTAssertEqual(
            parseErrorText(""),
            "prog.bt:1:1: error: no probes: a program needs at least one probe such as 'BEGIN { ... }'\n\n^\n")
        XCTAssertEqual(
            parseErrorMessage("// only a comment\n", at: "#1"),
            "no probes: a program needs at least one probe such as 'BEGIN { ... }'")
    }

    func testStrayClosingBrace() {
        XCTAssertEqual(
            parseErrorText("BEGIN { $x = 1; }}"),
            """
            prog.bt:1:18: error: expected an attach point such as 'tracepoint:sched:sched_switch' or 'BEGIN'
            BEGIN { $x = 1; }}
                             ^

            """)
    }

    func testMissingAttachPointAfterComma() {
        XCTAssertEqual(
            parseErrorText("BEGIN, { }"),
            """
            prog.bt:1:8: error: expected an attach point such as 'tracepoint:sched:sched_switch' or 'BEGIN'
            BEGIN, { }
                   ^

            """)
    }

    func testUnsupportedTopLevelForms() {
        XCTAssertEqual(
            parseErrorText("BEGIN { }\nconfig = { max_map_keys = 1 }"),
            """
            prog.bt:2:1: error: a 'config' block must come first, before any probe
            config = { max_map_keys = 1 }
            ^~~~~~

            """)
        XCTAssertEqual(
            parseErrorText("struct foo { int x; y }\nBEGIN { }"),
            """
            prog.bt:1:23: error: expected a member name, found '}'
            struct foo { int x; y }
                                  ^

            """)
    }

    /// opensnoop.bt writes `for $j : a..b { }`: the parentheses are optional, as in current bpftrace.
    func testForWithoutParentheses() throws {
        let program = try parse("BEGIN { for $j : ((uint64)0)..((uint64)4) { } @m[1] = 1; for $kv : @m { print($kv); } }")
        guard case .forRange(let name, _, _, _) = program.probes[0].body[0].kind else {
            return XCTFail("\(program.probes[0].body[0].kind)")
        }
        XCTAssertEqual(name, "j")
        guard case .forMap(let variable, _, _) = program.probes[0].body[2].kind else {
            return XCTFail("\(program.probes[0].body[2].kind)")
        }
        XCTAssertEqual(variable, "kv")
    }

    func testOtherSyntaxErrors() {
        XCTAssertEqual(
            parseErrorMessage("BEGIN { $x = (uint8 x; }", at: "x #2"), "expected ')' to close the cast to 'uint8'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { for i : 0..3 { } }", at: "i"),
            "expected a variable such as '$kv' in 'for'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { for ($i : 0..3 { } }", at: "{ #2"), "expected ')' to close 'for', found '{'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { for ($i in 0..3) { } }", at: "in"),
            "expected ':' after the loop variable, found 'in'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { for (i : 0..3) { } }", at: "i"), "expected a variable such as '$kv' in 'for'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { let x = 1; }", at: "x"), "expected a variable such as '$x' after 'let'")
        XCTAssertEqual(parseErrorMessage("BEGIN { $x = args.; }", at: ";"), "expected a field name after '.'")
        XCTAssertEqual(parseErrorMessage("BEGIN { $x = args->; }", at: ";"), "expected a field name after '->'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { $a = $b = 1; }", at: "= #2"),
            "expected ';' or '}' after the statement, found '='")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { while 1; }", at: ";"), "expected '{' after the 'while' condition, found ';'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { if (1) $x = 1; }", at: "$x"), "expected '{' after the 'if' condition, found '$x'")
        XCTAssertEqual(parseErrorMessage("BEGIN { unroll(2) }", at: "}"), "expected '{' to start a block, found '}'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { $x = (1, 2; }", at: ";"), "expected ')' to close the tuple, found ';'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { $x = (1 + 2; }", at: ";"), "expected ')' to close the parenthesis, found ';'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { $x = a ? b; }", at: ";"), "expected ':' in the conditional expression, found ';'"
        )
        XCTAssertEqual(
            parseErrorMessage("BEGIN { $x = arg0[1; }", at: ";"), "expected ']' to close the index, found ';'")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { $x = sizeof(int32; }", at: ";"), "expected ')' to close sizeof, found ';'")
        XCTAssertEqual(parseErrorMessage("BEGIN { let $x: = 1; }", at: "="), "expected a type name")
        XCTAssertEqual(
            parseErrorMessage("BEGIN { let $x: string[99999] = 1; }", at: "99999"),
            "expected an array length up to 4096")
        XCTAssertEqual(parseErrorMessage("k:f /pid { }", at: "{"), "expected '/' to close the predicate, found '{'")
    }
}

/// The text covered by a range (a thin wrapper so tests read well).
func Language_text(_ range: SourceRange, _ source: String) -> String { sourceText(of: range, in: source) }
