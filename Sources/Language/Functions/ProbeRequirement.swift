/// Which probes may use a function or a builtin variable, with the refusal text for the
/// others. A value, so a table row states it and the checker applies it the same way for all.
public struct ProbeRequirement: Sendable {
    /// Where it may be used, in words, for `help` and docs ("kprobe, uprobe and profile probes").
    public var description: String
    /// The refusal for `name` in a probe with this target and context, or nil when allowed.
    public var refusal: @Sendable (_ name: String, ProbeTarget, ProbeContext) -> String?

    public init(
        _ description: String, refusal: @escaping @Sendable (_ name: String, ProbeTarget, ProbeContext) -> String?
    ) {
        self.description = description
        self.refusal = refusal
    }

    /// Allowed only where the context has one of `layouts`.
    public static func layouts(
        _ layouts: Set<ProbeContext.Layout>, _ description: String, refusal: String
    ) -> ProbeRequirement {
        ProbeRequirement(description) { _, _, context in layouts.contains(context.layout) ? nil : refusal }
    }
}
