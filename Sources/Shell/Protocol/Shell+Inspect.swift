import Language

extension Shell {
    /// What a client shows for the word under the cursor (shift-tab in a notebook): a
    /// command's help, a probe's `show`, a tracepoint's `args`; nil when the word is none of
    /// these. Commands run captured: nothing reaches the terminal, history or notebooks.
    public func inspect(_ code: String, cursor: Int) -> String? {
        let word = Shell.word(in: code, at: cursor)
        guard !word.isEmpty else { return nil }
        if session.probe(named: word) != nil { return capturedText("show \(word)") }
        if command(named: word) != nil { return capturedText("help \(word)") }
        let parts = word.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 3, ["tracepoint", "t"].contains(parts[0]) {
            return tracepointArguments(category: parts[1], event: parts[2])
        }
        return nil
    }

    private func capturedText(_ statement: String) -> String? {
        var text = ""
        for event in capture({ execute(statement, announce: false) }) {
            if case .error = event { return nil }
            if let (shown, _) = event.terminalText { text += shown }
        }
        return text.isEmpty ? nil : text
    }

    /// `tracepoint:CATEGORY:EVENT` and the fields of its `args`, as `bpftrace -lv` lists them.
    func tracepointArguments(category: String, event: String) -> String? {
        let target = ProbeTarget(kind: .tracepoint, parts: [category, event])
        guard let context = try? session.catalogue.context(for: target), !context.fields.isEmpty else { return nil }
        let lines = context.fields.map { field -> String in
            let type: String
            switch field.kind {
            case .integer(let signed): type = (signed ? "s" : "u") + String(field.size * 8)
            case .charArray(let length): type = "char[\(length)]"
            case .dataLocString: type = "__data_loc char[]"
            case .pointer(let pointee): type = pointee + " *"
            case .opaque: type = "opaque[\(field.size)]"
            case .record(let name): type = name
            case .array(let array): type = array.description
            }
            return "    \(type) \(field.name)"
        }
        return "tracepoint:\(category):\(event)\n" + lines.joined(separator: "\n") + "\n"
    }

    /// The word around `cursor` (Unicode scalars): attach points keep their colons, `@maps`
    /// their `@`; stops at spaces, braces, brackets and operators.
    static func word(in code: String, at cursor: Int) -> String {
        let scalars = Array(code.unicodeScalars)
        let position = max(0, min(cursor, scalars.count))
        func isWordScalar(_ s: Unicode.Scalar) -> Bool {
            s.properties.isAlphabetic || ("0"..."9").contains(s) || "_:@.*-/".unicodeScalars.contains(s)
        }
        var start = position
        while start > 0, isWordScalar(scalars[start - 1]) { start -= 1 }
        var end = position
        while end < scalars.count, isWordScalar(scalars[end]) { end += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }
}
