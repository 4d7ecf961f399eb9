import CLLVM
import XCTest

@testable import Codegen
@testable import Language

/// The lowering tables: every language row has a lowering, and a function added through the
/// tables alone (a typing row and a lowering row) compiles to what its rows say.
final class FunctionLoweringTests: XCTestCase {
    func testEveryFunctionHasALowering() {
        XCTAssertEqual(FunctionLoweringTable.builtin.names, FunctionTable.builtin.names.sorted())
    }

    func testEveryBuiltinVariableHasALowering() {
        XCTAssertEqual(FunctionLoweringTable.builtinVariables.names, BuiltinVariableTable.builtin.names)
    }

    /// `triple(n)`: 3 * n, typed and lowered by rows a test adds.
    static let triple = FunctionDescriptor(
        name: "triple", signature: "triple(int n)", result: "int", summary: "three times n", category: .misc
    ) { call in
        guard call.arity(1...1) else { return .u64 }
        call.integerArgument(0)
        return .u64
    }
    static let tripleLowering = FunctionLowering(name: "triple") { call in
        .scalar(LLVMBuildMul(call.builder, call.scalar(0), call.const64(3), "")!)
    }

    /// `answer()`: 42, a constant the typing row fixes and the lowering row emits.
    static let answer = FunctionDescriptor(
        name: "answer", signature: "answer()", result: "int", summary: "the answer", category: .misc
    ) { call in
        guard call.arity(0...0) else { return .u64 }
        call.setConstant(42)
        return .u64
    }
    static let answerLowering = FunctionLowering(name: "answer") { call in .scalar(call.const64(call.constant ?? 0)) }

    private let options = SemanticAnalyzer.Options(functions: FunctionTable.builtin.adding(answer).adding(triple))
    private let codegen = CodegenOptions(
        functions: FunctionLoweringTable.builtin.adding(answerLowering).adding(tripleLowering))

    func testAddedConstantFunction() throws {
        let compiled = try compile("BEGIN { @a = answer(); }", options: options, codegen: codegen, keepIR: true)
        assertWellFormed(compiled)
        XCTAssertTrue(compiled.programs[0].loadedConstants.contains(42), "\(compiled.programs[0].loadedConstants)")
        XCTAssertTrue(compiled.ir.contains("i64 42"), compiled.ir)
    }

    func testAddedFunctionOfOneArgument() throws {
        // pid * 3: the multiplication is in the code (not folded), by the row's lowering.
        let compiled = try compile("BEGIN { @t = triple(pid); }", options: options, codegen: codegen, keepIR: true)
        assertWellFormed(compiled)
        XCTAssertTrue(
            compiled.ir.split(separator: "\n").contains { $0.contains(" mul ") && $0.hasSuffix(", 3") }, compiled.ir)
        // BPF_ALU64 | BPF_MUL | BPF_K with 3.
        XCTAssertTrue(compiled.programs[0].decoded.contains { $0.opcode == 0x27 && $0.imm == 3 })
        XCTAssertTrue(compiled.programs[0].helperCalls.contains(14), "pid is read")
        // A literal argument folds to the constant the row computes.
        let folded = try compile("BEGIN { @t = triple(14); }", options: options, codegen: codegen)
        XCTAssertTrue(folded.programs[0].loadedConstants.contains(42), "\(folded.programs[0].loadedConstants)")
    }

    func testAddedBuiltinVariable() throws {
        var variables = BuiltinVariableTable.builtin
        variables.add(BuiltinVariable(name: "answer", type: .u64))
        let lowerings = FunctionLoweringTable.builtinVariables.adding(
            FunctionLowering(name: "answer") { call in .scalar(call.const64(42)) })
        let compiled = try compile(
            "BEGIN { @a = answer; }", options: .init(variables: variables),
            codegen: CodegenOptions(variables: lowerings))
        assertWellFormed(compiled)
        XCTAssertTrue(compiled.programs[0].loadedConstants.contains(42), "\(compiled.programs[0].loadedConstants)")
    }
}
