/// Which probes may use a function or a builtin variable, with the refusal text for the
/// others. A value, so a table row states it and the checker applies it the same way for all.
public struct ProbeRequirement: Sendable {
    /// The refusal for `name` in a probe with this target and context, or nil when allowed.
    public var refusal: @Sendable (_ name: String, ProbeTarget, ProbeContext) -> String?

    public init(refusal: @escaping @Sendable (_ name: String, ProbeTarget, ProbeContext) -> String?) {
        self.refusal = refusal
    }

    /// Allowed only where the context has one of `layouts`.
    public static func layouts(_ layouts: Set<ProbeContext.Layout>, refusal: String) -> ProbeRequirement {
        ProbeRequirement { _, _, context in layouts.contains(context.layout) ? nil : refusal }
    }
}
