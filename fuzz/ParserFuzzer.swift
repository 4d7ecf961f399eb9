// libFuzzer entry point for the probe-language front end (lexer and parser). Built by
// scripts/fuzz together with Sources/Language as one module, not by `swift build`.
// Any input must end in a program or diagnostics; a crash, trap or hang is a bug.

@_cdecl("LLVMFuzzerTestOneInput")
public func parserFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let file = SourceFile(name: "fuzz.bt", text: text)
    do {
        _ = try Parser.parse(file)
    } catch let diagnostic as Diagnostic {
        precondition(diagnostic.range.start >= 0 && diagnostic.range.start <= diagnostic.range.end
                     && diagnostic.range.end <= file.bytes.count, "diagnostic range outside the source")
        _ = diagnostic.rendered(in: file)
    } catch let list as DiagnosticList {
        precondition(!list.diagnostics.isEmpty, "empty diagnostic list")
        _ = list.rendered(in: file)
    } catch {
        preconditionFailure("unexpected error type: \(error)")
    }
    return 0
}
