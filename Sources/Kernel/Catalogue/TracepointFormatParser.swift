/// Turns the text of a tracefs `format` file into a `TracepointFormat`.
///
/// Consumes the whole file text; produces the event id, every field (with offset, size,
/// signedness and layout) and the print format. It never fails and never traps: a line it
/// cannot read is kept in `unparsedLines`, so a format quirk in a future kernel hides one
/// field instead of the whole tracepoint. Numbers are bounded, so hostile input cannot make
/// later offset arithmetic overflow. It works on UTF-8 bytes: a format parses in a few µs.
public enum TracepointFormatParser {
    /// Offsets and sizes beyond this are not trace records (a record fits in a page or so).
    static let maximumRecordValue = 1 << 24

    public static func parse(_ text: String, category: String, event: String) -> TracepointFormat {
        var text = text
        return text.withUTF8 { bytes in
            parse(ByteText(bytes), category: category, event: event)
        }
    }

    static func parse(_ text: ByteText, category: String, event: String) -> TracepointFormat {
        var id: Int?
        var fields: [TracepointField] = []
        var unparsed: [String] = []
        var printFormat: String?

        text.forEachLine { rawLine in
            let line = rawLine.trimmed()
            if line.isEmpty { return }
            if line.hasPrefix("field:") || line.hasPrefix("field special:") {
                if let field = parseField(line) {
                    fields.append(field)
                } else {
                    unparsed.append(line.string)
                }
            } else if line.hasPrefix("ID:") {
                id = line.dropFirst(3).trimmed().decimal(limit: Int(Int32.max))
            } else if line.hasPrefix("print fmt:") {
                printFormat = line.dropFirst(10).trimmed().string
            }
            // "name:" and "format:" carry nothing the caller does not already know.
        }
        return TracepointFormat(
            category: category, event: event, id: id, allFields: fields,
            printFormat: printFormat, unparsedLines: unparsed)
    }

    /// One `field:DECL;<tab>offset:N;<tab>size:N;<tab>signed:N;` line.
    public static func parseField(_ line: Substring) -> TracepointField? {
        var text = String(line)
        return text.withUTF8 { bytes in parseField(ByteText(bytes).trimmed()) }
    }

    static func parseField(_ line: ByteText) -> TracepointField? {
        let parts = line.split(UInt8(ascii: ";"))
        guard let head = parts.first, let colon = head.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let declaration = head.from(colon + 1).trimmed()

        var offset: Int?
        var size: Int?
        var isSigned = false
        for part in parts.dropFirst() {
            let item = part.trimmed()
            guard let keyEnd = item.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = item.upTo(keyEnd)
            let value = item.from(keyEnd + 1).trimmed()
            if key.equals("offset") {
                offset = value.decimal(limit: maximumRecordValue)
            } else if key.equals("size") {
                size = value.decimal(limit: maximumRecordValue)
            } else if key.equals("signed") {
                isSigned = value.equals("1")
            }
        }
        guard let offset, let size, let shape = parseDeclaration(declaration) else { return nil }
        return TracepointField(
            declaration: declaration.string, name: shape.name,
            typeName: shape.typeName, offset: offset, size: size,
            isSigned: isSigned, layout: shape.layout)
    }

    struct DeclarationShape {
        var name: String
        var typeName: String
        var layout: TracepointField.Layout
    }

    /// Splits a C declaration into type, name and layout.
    static func parseDeclaration(_ declaration: ByteText) -> DeclarationShape? {
        let text = declaration.trimmed()
        let dataLoc = text.hasPrefix("__data_loc ")
        if dataLoc || text.hasPrefix("__rel_loc ") {
            guard let (typePart, name) = splitTrailingIdentifier(text) else { return nil }
            var element = typePart.dropFirst(dataLoc ? 11 : 10).trimmed()
            if element.hasSuffix("[]") { element = element.dropLast(2).trimmed() }
            guard !element.isEmpty else { return nil }
            let elementName = element.string
            return DeclarationShape(
                name: name, typeName: typePart.string,
                layout: dataLoc
                    ? .dataLocation(element: elementName)
                    : .relativeLocation(element: elementName))
        }

        if text.last == UInt8(ascii: "]") {
            // `T name[A][B]`: collect dimensions from the right.
            var rest = text
            var dimensions: [ByteText] = []
            while rest.last == UInt8(ascii: "]") {
                guard let open = rest.lastIndex(of: UInt8(ascii: "[")) else { return nil }
                dimensions.append(ByteText(rest.buffer, open + 1, rest.end - 1).trimmed())
                rest = rest.upTo(open).trimmed()
            }
            guard let (typePart, name) = splitTrailingIdentifier(rest), !typePart.isEmpty else { return nil }
            let element = typePart.string
            if dimensions.count == 1 && dimensions[0].isEmpty {
                return DeclarationShape(name: name, typeName: element, layout: .flexibleArray(element: element))
            }
            var count: Int? = 1
            for dimension in dimensions {
                guard let value = dimension.decimal(limit: maximumRecordValue), let current = count else {
                    count = nil
                    break
                }
                let (product, overflow) = current.multipliedReportingOverflow(by: value)
                count = overflow || product > maximumRecordValue ? nil : product
            }
            return DeclarationShape(name: name, typeName: element, layout: .array(element: element, count: count))
        }

        guard let (typePart, name) = splitTrailingIdentifier(text), !typePart.isEmpty else { return nil }
        return DeclarationShape(
            name: name, typeName: typePart.string,
            layout: typePart.last == UInt8(ascii: "*") ? .pointer : .scalar)
    }

    /// `const char * filename` → (`const char *`, `filename`); nil when no identifier ends it.
    static func splitTrailingIdentifier(_ text: ByteText) -> (ByteText, String)? {
        var nameStart = text.end
        while nameStart > text.start, ByteText.isIdentifier(text.buffer[nameStart - 1]) { nameStart -= 1 }
        guard nameStart < text.end else { return nil }
        let first = text.buffer[nameStart]
        guard !(first >= 0x30 && first <= 0x39) else { return nil }
        return (text.upTo(nameStart).trimmed(), text.from(nameStart).string)
    }
}
