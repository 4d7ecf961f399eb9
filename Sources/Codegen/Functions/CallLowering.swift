import CLLVM
import Language

/// What a function's lowering may use while it emits one call: the call, its arguments
/// lowered on demand, and the LLVM builder positioned where the call's code goes.
///
/// Rows outside Codegen use the public members; Codegen's own rows reach the whole
/// `UnitLowering` (stack buffers, helpers, events) through `lowering`.
public struct CallLowering {
    let lowering: UnitLowering
    public let name: String
    public let arguments: [Expr]
    /// The call expression itself.
    public let expression: Expr

    public var builder: LLVMBuilderRef { lowering.ir.builder }

    /// Argument `index` lowered to an i64.
    public func scalar(_ index: Int) -> LLVMValueRef { lowering.scalar(arguments[index]) }

    /// Argument `index` lowered as it is: a scalar, or a buffer for strings and composites.
    public func lower(_ index: Int) -> Lowered { lowering.lower(arguments[index]) }

    /// An i64 constant.
    public func const64(_ value: UInt64) -> LLVMValueRef { lowering.ir.const64(value) }

    /// The value the type checker fixed for this call (`CallTyping.setConstant`), if any.
    public var constant: UInt64? { lowering.unit.constants[expression.id] }

    /// The type the checker gave an expression (the call itself or an argument).
    public func type(of expr: Expr) -> SType { lowering.type(of: expr) }

    /// The format id the checker gave this call's runtime action (`CallTyping.record`).
    public var formatID: Int? { lowering.unit.formatIDs[expression.id] }
}
