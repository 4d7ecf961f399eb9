import Foundation
import XCTest

@testable import Language

/// The function and builtin-variable tables: docs agree with them, and a test can extend
/// them without touching the analyzer.
final class FunctionTableTests: XCTestCase {
    /// `answer()`: 42, known at compile time. Added through the table alone.
    static let answer = FunctionDescriptor(
        name: "answer", signature: "answer()", result: "int", summary: "the answer", category: .misc
    ) { call in
        guard call.arity(0...0) else { return .u64 }
        call.setConstant(42)
        return .u64
    }

    /// The lines of a `## ` section of docs/language.md.
    private func docsSection(_ title: String) throws -> [String] {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/language.md")
        let lines = try String(contentsOf: docs, encoding: .utf8).components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "## " + title) else {
            XCTFail("no ## \(title) in \(docs.path)")
            return []
        }
        return Array(lines[(start + 1)...].prefix { !$0.hasPrefix("## ") })
    }

    func testDocsFunctionTableIsTheTable() throws {
        let rows = try docsSection("Functions").filter { $0.hasPrefix("| `") }
        XCTAssertEqual(
            rows, FunctionTable.builtin.documentationRows,
            "docs/language.md's functions table must be FunctionTable.builtin's; paste:\n"
                + FunctionTable.builtin.documentationTable)
        // The names, so a mismatch says which function is missing.
        let documented = rows.compactMap { $0.split(separator: "`").dropFirst().first?.prefix { $0 != "(" } }
        XCTAssertEqual(documented.map(String.init), FunctionTable.builtin.names)
    }

    func testDocsListEveryBuiltinVariable() throws {
        // `arg0..arg5` stands for arg0, arg1... arg5.
        let words = try docsSection("Builtins").joined(separator: " ").split { $0 == " " || $0 == "`" }
        var names: [String] = []
        for word in words.map(String.init) {
            let parts = word.components(separatedBy: "..")
            guard parts.count == 2, let last = parts[1].last?.wholeNumberValue else {
                names.append(word)
                continue
            }
            let stem = String(parts[0].dropLast())
            names += (0...last).map { stem + String($0) }
        }
        XCTAssertEqual(names.sorted(), BuiltinVariableTable.builtin.names)
    }

    func testNamesAreUniqueAndSignaturesStartWithTheName() {
        let table = FunctionTable.builtin
        XCTAssertEqual(Set(table.names).count, table.names.count)
        for function in table.descriptors {
            XCTAssertTrue(function.signature.hasPrefix(function.name + "("), function.signature)
            XCTAssertFalse(function.signature.contains("|"), "a | would split the docs' table row")
            XCTAssertFalse(function.summary.isEmpty, function.name)
        }
        XCTAssertEqual(table.descriptors.filter(\.isUnsafe).map(\.name), ["system", "signal", "write_user", "override", "signal_thread"])
    }

    func testAddedFunctionIsTypedThroughTheTableAlone() throws {
        XCTAssertEqual(semanticErrors("BEGIN { @a = answer(); }"), ["unknown function answer()"])
        let options = SemanticAnalyzer.Options(functions: .builtin.adding(Self.answer))
        let checked = try check("BEGIN { @a = answer(); }", options: options)
        XCTAssertEqual(checked.map(named: "a")?.value, .plain(.u64))
        XCTAssertEqual(Array(checked.units[0].constants.values), [42])
        XCTAssertEqual(
            semanticErrors("BEGIN { @a = answer(1); }", options: options, at: ["answer(1)"]),
            ["answer() takes 0 argument(s), 1 given"])
        // Unknown names now suggest it, as they do the built-in ones.
        let misspelt = semanticDiagnostics("BEGIN { @a = answr(); }", options: options)
        XCTAssertEqual(misspelt.first?.notes, ["did you mean answer()?"])
    }

    func testReplacedRowKeepsItsPlace() {
        var table = FunctionTable.builtin
        table.add(
            FunctionDescriptor(name: "count", signature: "count()", result: "int", summary: "x", category: .misc) {
                _ in .u64
            })
        XCTAssertEqual(table.names, FunctionTable.builtin.names)
        XCTAssertEqual(table["count"]?.result, "int")
    }

    func testUnsafeRowIsRefusedFromItsFlag() {
        // The rule never asks: the checker refuses it from the row's flag.
        let wipe = FunctionDescriptor(
            name: "wipe", signature: "wipe()", result: "none", summary: "erase", category: .unsafe,
            unsafeReason: "erases disks"
        ) { call in
            _ = call.arity(0...0)
            return .void
        }
        var options = SemanticAnalyzer.Options(functions: .builtin.adding(wipe))
        XCTAssertEqual(
            semanticErrors("BEGIN { wipe(); }", options: options, at: ["wipe()"]),
            ["wipe() is unsafe. To use you need the --unsafe flag (it erases disks)"])
        // An argument error is reported alone, as for system().
        XCTAssertEqual(
            semanticErrors("BEGIN { wipe(1); }", options: options), ["wipe() takes 0 argument(s), 1 given"])
        options.allowUnsafe = true
        XCTAssertTrue(semanticDiagnostics("BEGIN { wipe(); }", options: options).isEmpty)
    }

    func testProbeRequirementOfARow() {
        let here = FunctionDescriptor(
            name: "here", signature: "here()", result: "int", summary: "x", category: .misc,
            probes: .layouts([.registers], "kprobes", refusal: "here() needs a kprobe")
        ) { _ in .u64 }
        let options = SemanticAnalyzer.Options(functions: .builtin.adding(here))
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = here(); }", options: options, at: ["here()"]), ["here() needs a kprobe"])
        XCTAssertTrue(semanticDiagnostics("kprobe:vfs_read { @x = here(); }", options: options).isEmpty)
    }

    func testAddedBuiltinVariable() throws {
        var variables = BuiltinVariableTable.builtin
        variables.add(BuiltinVariable(name: "answer", type: .u64))
        XCTAssertEqual(typeOf("answer", options: .init(variables: variables)), .u64)
        XCTAssertEqual(
            semanticErrors("BEGIN { @x = answer; }", at: ["answer"]).first, "unknown identifier 'answer'")
    }

    func testVariableTableKeepsTheBuiltins() {
        let names = Set(BuiltinVariableTable.builtin.names)
        for name in ["pid", "comm", "args", "retval", "probe", "func", "arg0", "sarg5", "kstack", "curtask"] {
            XCTAssertTrue(names.contains(name), name)
        }
        XCTAssertEqual(names.count, 38, "ctx included")
    }
}
