import XCTest

@testable import Language

/// Files for `#include "..."` and `import`, by resolved path.
struct MemoryLoader: SourceLoader {
    var files: [String: String]
    var directories: [String: [String]] = [:]
    func resolve(_ path: String, from includingPath: String?) -> String {
        if path.hasPrefix("/") { return path }
        let directory = includingPath.map { $0.split(separator: "/").dropLast().joined(separator: "/") } ?? ""
        return directory.isEmpty ? path : "/" + directory + "/" + path
    }
    func read(_ resolvedPath: String) throws -> String {
        guard let text = files[resolvedPath] else { throw SourceLoadError("no such file") }
        return text
    }
    func directoryEntries(_ resolvedPath: String) -> [String]? { directories[resolvedPath] }
}

final class PreprocessorTests: XCTestCase {
    private func options(btf: Bool = true, files: [String: String] = [:]) -> PreprocessorOptions {
        PreprocessorOptions(kernelHasBTF: btf, loader: MemoryLoader(files: files))
    }

    private func parseProgram(_ text: String, btf: Bool = true, files: [String: String] = [:]) throws -> Program {
        try Parser.parse(SourceFile(name: "/t/prog.bt", text: text), preprocessing: options(btf: btf, files: files))
    }

    /// The statements of the first probe of a program that must parse.
    private func firstBody(
        _ text: String, btf: Bool = true, file: StaticString = #filePath, line: UInt = #line
    )
        -> String
    {
        do { return block(try parseProgram(text, btf: btf).probes[0].body) } catch {
            XCTFail("\(error)", file: file, line: line)
            return ""
        }
    }

    /// The diagnostic of a program that must fail, rendered against its file.
    private func rendered(
        _ text: String, btf: Bool = true, files: [String: String] = [:], firstLine: Int = 1,
        file: StaticString = #filePath, line: UInt = #line
    ) -> String {
        let program = SourceFile(name: "/t/prog.bt", text: text, firstLine: firstLine)
        do {
            _ = try Parser.parse(program, preprocessing: options(btf: btf, files: files))
            XCTFail("expected an error", file: file, line: line)
        } catch let d as Diagnostic {
            return d.rendered(in: program)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
        return ""
    }

    func testAProgramWithoutDirectivesIsNotPreprocessed() throws {
        XCTAssertNil(try Preprocessor.run(source("BEGIN { printf(\"#%d\\n\", 1); }")))
    }

    func testObjectLikeMacroKeepsTheRangeOfItsName() throws {
        let text = "#define LIMIT 5\nBEGIN { @x = LIMIT + 1; }"
        let program = try parseProgram(text)
        XCTAssertEqual(block(program.probes[0].body), "{(= @x (+ 5 1))}")
        guard case .assign(_, _, let value) = program.probes[0].body[0].kind,
            case .binary(_, let lhs, _) = value.kind
        else { return XCTFail("not an assignment") }
        XCTAssertEqual(sourceText(of: lhs.range, in: text), "LIMIT")
        XCTAssertEqual(sourceText(of: value.range, in: text), "LIMIT + 1")
        XCTAssertEqual(sourceText(of: program.probes[0].range, in: text), "BEGIN { @x = LIMIT + 1; }")
    }

    func testFunctionLikeMacrosSubstituteExpandedArguments() {
        let text = """
            #define TWICE(x) ((x) * 2)
            #define ADD(a, b) (a + b)
            BEGIN { @x = ADD(TWICE(pid), 3); @y = TWICE ; }
            """
        // A function-like macro's name without arguments stays a name.
        XCTAssertEqual(firstBody(text), "{(= @x (+ (* pid 2) 3)); (= @y TWICE)}")
    }

    func testArgumentsMaySpanLinesAndStringifyAndPaste() {
        let text = """
            #define SHOW(e) printf(#e " = %d\\n", e)
            #define MAP(n) @count_ ## n
            #define ALL(...) print((__VA_ARGS__))
            BEGIN { SHOW(1 +
              2); MAP(reads) = 1; ALL(1, 2); }
            """
        XCTAssertEqual(firstBody(text), "{printf(\"1 + 2 = %d\n\", (+ 1 2)); (= @count_reads 1); print((tuple 1 2))}")
    }

    func testSelfReferenceStopsAndSigilsAreNotMacroNames() {
        let text = "#define A A + 1\n#define x 7\nBEGIN { $x = A; @x = x; }"
        XCTAssertEqual(firstBody(text), "{(= $x (+ A 1)); (= @x 7)}")
    }

    func testReplacementDoesNotRunIntoItsNeighbours() {
        XCTAssertEqual(firstBody("#define N -1\nBEGIN { @x = 1-N; }"), "{(= @x (- 1 (- 1)))}")
    }

    func testUndef() {
        XCTAssertEqual(firstBody("#define N 1\n#undef N\nBEGIN { @x = N; }"), "{(= @x N)}")
    }

    func testNestedConditionalsTakeOneBranchEach() {
        let text = """
            #define LEVEL 2
            #if LEVEL > 1
            #  ifdef MISSING
            #    define PICK 1
            #  elif defined(LEVEL) && (LEVEL << 3) == 16
            #    define PICK 2
            #  else
            #    define PICK 3
            #  endif
            #elif 1 / 0
            #  define PICK 4
            #else
            #  if 1 / 0
            #  endif
            #endif
            #ifndef PICK
            #error no pick
            #endif
            BEGIN { @x = PICK; }
            """
        // Skipped branches are not evaluated: `1 / 0` would be an error.
        XCTAssertEqual(firstBody(text), "{(= @x 2)}")
    }

    func testExpressions() {
        let cases: [(String, Bool)] = [
            ("1", true), ("0", false), ("UNDEFINED_NAME", false), ("!defined UNDEFINED_NAME", true),
            ("0x10 == 16 && 010 == 8 && 0b11 == 3", true), ("-1 < 0", true), ("~0 == -1", true),
            ("(2 + 3) * 4 == 20", true), ("1 ? 0 : 1", false), ("'a' == 97", true), ("10 % 4 == 2 || 0", true),
            ("5 >= 5 && 4 <= 3", false), ("(1 | 2) ^ 1", true), ("100L > 99u", true),
        ]
        for (expression, expected) in cases {
            let text = "#if \(expression)\n#define R 1\n#else\n#define R 0\n#endif\nBEGIN { @x = R; }"
            XCTAssertEqual(firstBody(text), "{(= @x \(expected ? 1 : 0))}", expression)
        }
    }

    func testBTFIsADefinitionTheCallerGives() {
        let text = """
            #ifndef BPFTRACE_HAVE_BTF
            #include <linux/sched.h>
            #else
            #define TASK_RUNNING 0
            #endif
            BEGIN { @x = TASK_RUNNING; }
            """
        XCTAssertEqual(firstBody(text, btf: true), "{(= @x 0)}")
        XCTAssertEqual(
            rendered(text, btf: false),
            """
            /t/prog.bt:2:10: error: cannot include <linux/sched.h>: bpfsh does not read kernel headers, \
            it takes kernel types from BTF, and this kernel has none
            #include <linux/sched.h>
                     ^~~~~~~~~~~~~~~
            note: enable CONFIG_DEBUG_INFO_BTF, or guard the include with '#ifndef BPFTRACE_HAVE_BTF'

            """)
        // With BTF the header is satisfied without reading it.
        XCTAssertEqual(firstBody("#include <linux/sched.h>\n#include <net/sock.h>\nBEGIN { @x = 1; }"), "{(= @x 1)}")
    }

    func testDirectiveErrorsPointAtTheirLine() {
        XCTAssertEqual(
            rendered("BEGIN { }\n\n#endif\n"),
            "/t/prog.bt:3:1: error: '#endif' without '#if'\n#endif\n^~~~~~\n")
        XCTAssertEqual(
            rendered("#if 1\n#ifdef A\n#endif\nBEGIN { }\n"),
            "/t/prog.bt:1:1: error: unterminated '#if': expected '#endif'\n#if 1\n^~~~~\n")
        XCTAssertEqual(
            rendered("#if 1\n#else\n#else\n#endif\n"),
            "/t/prog.bt:3:1: error: a second '#else' in the same '#if'\n#else\n^~~~~\n")
        XCTAssertEqual(
            rendered("#if 1 / (2 - 2)\n#endif\n"),
            "/t/prog.bt:1:7: error: division by zero in the #if expression\n#if 1 / (2 - 2)\n      ^\n")
        XCTAssertEqual(
            rendered("\n#if (1\n#endif\n"),
            "/t/prog.bt:2:1: error: expected ')' in the #if expression\n#if (1\n^~~~~~\n")
        XCTAssertEqual(
            rendered("#define F(a, b) a\nBEGIN { @x = F(1); }"),
            "/t/prog.bt:2:14: error: macro 'F' takes 2 arguments, but 1 was given\nBEGIN { @x = F(1); }\n"
                + "             ^\n")
        XCTAssertEqual(
            rendered("#frobnicate\n"),
            "/t/prog.bt:1:2: error: unknown preprocessor directive '#frobnicate'\n#frobnicate\n ^~~~~~~~~~\n")
        XCTAssertEqual(
            rendered("\n#error need a newer kernel  \n"),
            "/t/prog.bt:2:1: error: #error need a newer kernel\n#error need a newer kernel  \n"
                + "^~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        )
    }

    func testParseErrorsAfterDirectivesAndInsideExpansionsPointAtTheSource() {
        // Lines removed by the preprocessor do not shift the lines of later errors.
        XCTAssertEqual(
            rendered("#if 0\nskipped\n#endif\nBEGIN { @x = ; }", firstLine: 10),
            "/t/prog.bt:13:14: error: expected an expression, found ';'\nBEGIN { @x = ; }\n             ^\n")
        // An error inside a replacement points at the invocation.
        XCTAssertEqual(
            rendered("#define BROKEN (1 +)\nBEGIN { @x = BROKEN; }"),
            "/t/prog.bt:2:14: error: expected an expression, found ')'\nBEGIN { @x = BROKEN; }\n"
                + "             ^~~~~~\n")
    }

    func testIncludeAndImportReadScriptsOnce() throws {
        let files = [
            "/t/lib/common.bt": "#define GREETING \"hi\"\nBEGIN { printf(GREETING); }\n",
            "/t/other.bt": "#include \"lib/common.bt\"\n",
        ]
        let text = "import \"other.bt\";\nimport \"other.bt\";\nBEGIN { @x = GREETING; }"
        let program = try parseProgram(text, files: files)
        XCTAssertEqual(program.probes.count, 2)
        XCTAssertEqual(block(program.probes[1].body), "{(= @x \"hi\")}")
        // The imported probe's range lies in the file it came from.
        XCTAssertEqual(program.probes[0].range.file?.source.name, "/t/lib/common.bt")
        XCTAssertEqual(program.probes[0].range, SourceRange(22, 49, file: program.probes[0].range.file))
        XCTAssertNil(program.probes[1].range.file)
    }

    func testImportsShareALineWithTheProgram() throws {
        let files = ["/t/a.bt": "#define A 1\n", "/t/b.bt": "#define B 2\n"]
        let program = try parseProgram("import \"a.bt\"; import \"b.bt\"; BEGIN { @x = A + B; }", files: files)
        XCTAssertEqual(block(program.probes[0].body), "{(= @x (+ 1 2))}")
        XCTAssertEqual(
            rendered("import \"stdlib/test\"; BEGIN { }"),
            "/t/prog.bt:1:8: error: cannot import 'stdlib/test': it is one of bpftrace's built-in modules of C code, "
                + "which must be compiled by clang; bpfsh does not use clang\nimport \"stdlib/test\"; BEGIN { }\n"
                + "       ^~~~~~~~~~~~~\n")
    }

    func testErrorsInIncludedFilesNameThatFile() {
        let files = ["/t/lib.bt": "BEGIN {\n  @x = 1 +;\n}\n"]
        XCTAssertEqual(
            rendered("#include \"lib.bt\"\nEND { }", files: files),
            "/t/lib.bt:2:11: error: expected an expression, found ';'\n  @x = 1 +;\n          ^\n")
        XCTAssertEqual(
            rendered("\nimport \"missing.bt\";", files: files),
            "/t/prog.bt:2:8: error: cannot read 'missing.bt': no such file\nimport \"missing.bt\";\n"
                + "       ^~~~~~~~~~~~\n"
        )
    }

    func testCSourcesAndDeclarationsNeedClang() {
        XCTAssertEqual(
            rendered("import \"helpers.bpf.c\";\nBEGIN { }"),
            "/t/prog.bt:1:8: error: cannot import 'helpers.bpf.c': C source must be compiled by clang, "
                + "which bpfsh does not use\nimport \"helpers.bpf.c\";\n       ^~~~~~~~~~~~~~~\n")
        let files = ["/t/defs.h": "#define ONE 1\n", "/t/types.h": "// types\nstruct point { int x; };\n"]
        XCTAssertEqual(
            block(try! parseProgram("#include \"defs.h\"\nBEGIN { @x = ONE; }", files: files).probes[0].body),
            "{(= @x 1)}")
        XCTAssertEqual(
            rendered("#include \"types.h\"\nBEGIN { }", files: files),
            "/t/types.h:2:1: error: C declarations in 'types.h' are not supported: bpfsh takes kernel types from "
                + "BTF and does not run clang\nstruct point { int x; };\n^~~~~~\nnote: a header may only define "
                + "macros here\n")
    }

    func testIncludeCyclesStop() {
        let files = ["/t/a.bt": "#include \"a.bt\"\n"]
        XCTAssertTrue(rendered("#include \"a.bt\"\n", files: files).contains("include each other too deeply"))
    }

    func testExpansionSizeIsBounded() {
        var text = "#define A0 1\n"
        for level in 1...24 { text += "#define A\(level) A\(level - 1) A\(level - 1)\n" }
        text += "BEGIN { @x = A24; }"
        XCTAssertTrue(rendered(text).contains("is too large"))
    }
}
