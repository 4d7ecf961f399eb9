import CLLVM
import Language

extension FunctionLowering {
    /// The answers the type checker fixed (`CallTyping.setConstant`); assert_str(), fail()
    /// and static_assert() act when compiling only.
    static let typePredicates =
        ["is_integer", "is_unsigned_integer", "is_str", "is_ptr", "is_array", "is_literal", "default_str_length"].map {
            FunctionLowering(name: $0) { call in .scalar(call.const64(call.constant ?? 0)) }
        } + [
            FunctionLowering(name: "assert_str") { _ in .none },
            FunctionLowering(name: "fail") { _ in .none },
            FunctionLowering(name: "static_assert") { _ in .none },
            FunctionLowering(name: "has_cpid") { call in
                .scalar(call.const64(call.lowering.options.childPID != 0 ? 1 : 0))
            },
        ]
}
