import Language

extension Shell {
    /// A completer over the shell's current probes, maps, tables and commands; nil without a
    /// source of attach points (`completionSource`).
    public func makeCompleter() -> Completer? {
        guard let source = completionSource else { return nil }
        var completer = Completer(
            source: source, commands: commands.map(\.name), probeNames: session.probes.map(\.name),
            mapNames: session.mapInfos.map(\.name))
        completer.providers = session.catalogue.providers
        completer.tutorialNames = tutorialNames
        completer.keptTables = tables.saved.keys.sorted()
        completer.samplingSeries = backgroundSeries.map(\.name)
        completer.columnNames = { [weak self] in self?.tables.columnNames($0) ?? [] }
        completer.functions = session.options.functions
        completer.variables = session.options.variables
        return completer
    }

    /// What may replace the word before `cursor` (counted in Unicode scalars, as Jupyter
    /// counts), for clients: whole words, and the scalar range of `code` they replace.
    public func completions(of code: String, cursor: Int) -> (matches: [String], start: Int, end: Int) {
        let scalars = Array(code.unicodeScalars)
        let end = max(0, min(cursor, scalars.count))
        var before = String.UnicodeScalarView()
        before.append(contentsOf: scalars[..<end])
        let text = String(before)
        let word = Completer.currentWord(text)
        let start = end - word.unicodeScalars.count
        guard let completer = makeCompleter() else { return ([], start, end) }
        let (insert, candidates) = completer.complete(text)
        if !candidates.isEmpty { return (candidates, start, end) }
        let only = (word + insert).trimmingCharacters(in: .whitespaces)
        return (insert.isEmpty ? [] : [only], start, end)
    }
}
