/// The probe types a session knows: one `ProviderDescriptor` per provider, looked up by name
/// or alias. A value handed to the parser, the analyzer and the session, so a test (or a
/// later feature) can add a provider by adding a row.
public struct ProviderTable: Sendable {
    /// The rows, in the order listings and messages name them.
    public private(set) var descriptors: [ProviderDescriptor]
    private var byName: [String: Int] = [:]

    public init(_ descriptors: [ProviderDescriptor]) {
        self.descriptors = []
        for descriptor in descriptors { add(descriptor) }
    }

    /// Adds a row, or replaces the row of the same kind.
    public mutating func add(_ descriptor: ProviderDescriptor) {
        if let index = byName[descriptor.kind.rawValue] {
            descriptors[index] = descriptor
        } else {
            descriptors.append(descriptor)
        }
        let index = descriptors.firstIndex { $0.kind == descriptor.kind }!
        for name in [descriptor.kind.rawValue] + descriptor.aliases { byName[name] = index }
    }

    /// This table with one more (or one replaced) row.
    public func adding(_ descriptor: ProviderDescriptor) -> ProviderTable {
        var copy = self
        copy.add(descriptor)
        return copy
    }

    /// The provider spelled `name` (its name or an alias), if any.
    public func descriptor(named name: String) -> ProviderDescriptor? {
        byName[name].map { descriptors[$0] }
    }

    public subscript(kind: ProviderKind) -> ProviderDescriptor? { descriptor(named: kind.rawValue) }

    /// The canonical names, for messages such as "probe types: ...".
    public var names: [String] { descriptors.map(\.kind.rawValue) }
}
