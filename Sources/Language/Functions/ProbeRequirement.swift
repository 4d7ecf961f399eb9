/// Which probes may use a function or a builtin variable, with the refusal text for the
/// others. A value, so a table row states it and the checker applies it the same way for all.
public struct ProbeRequirement: Sendable {
    /// Where it may be used, in words, for `help` and docs ("kprobe, uprobe and profile probes").
    public var description: String
    /// The refusal for `name` at this attach point, or nil when allowed.
    public var refusal: @Sendable (_ name: String, ProbeSite) -> String?

    public init(_ description: String, refusal: @escaping @Sendable (_ name: String, ProbeSite) -> String?) {
        self.description = description
        self.refusal = refusal
    }

    /// Allowed only where the context has one of `layouts`.
    public static func layouts(
        _ layouts: Set<ProbeContext.Layout>, _ description: String, refusal: String
    ) -> ProbeRequirement {
        ProbeRequirement(description) { _, site in layouts.contains(site.context.layout) ? nil : refusal }
    }
}

/// Where a function or variable is used: the concrete attach point, its provider's row and
/// the context the body sees there.
public struct ProbeSite: Sendable {
    public var target: ProbeTarget
    public var provider: ProviderDescriptor
    public var context: ProbeContext

    public init(target: ProbeTarget, provider: ProviderDescriptor, context: ProbeContext) {
        self.target = target
        self.provider = provider
        self.context = context
    }
}
