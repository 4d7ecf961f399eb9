import Language

extension FunctionLowering {
    /// The type checker refuses every call of these; a row keeps the tables in step.
    static let refused = ["override", "path"].map { FunctionLowering(name: $0) { _ in .none } }
}
