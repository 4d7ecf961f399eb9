import Language

extension Shell {
    /// `help providers`: every probe type of this session's provider table, how its attach
    /// points are written and what it traces, with the kernel feature it needs.
    func showProviders() {
        let rows = session.catalogue.providers.descriptors.map { row -> [String] in
            [
                row.usage, row.aliases.joined(separator: " "), row.summary,
                row.requires.map { $0.displayName } ?? "",
            ]
        }
        showColumns(headers: ["probe type", "aliases", "what it traces", "needs"], rows: rows)
    }
}
