import Language

extension TracingSession {
    /// Compiles `text` exactly as `define(name:text:)` would for probe `name` (nil: a new,
    /// unnamed one), into the compiled-program cache, and does nothing else: no map, program
    /// or diagnostic. The shell calls it while the user pauses typing, so the Enter that follows
    /// finds the code ready. Without a cache there is nowhere to keep it: nothing is done.
    /// Returns whether the program compiled.
    @discardableResult
    public func prepare(name: String?, text: String) -> Bool {
        guard options.cache != nil else { return false }
        let pipeline = self.pipeline(replacing: name.flatMap { probe(named: $0) })
        return (try? pipeline.compile(SourceFile(name: name ?? "-", text: text))) != nil
    }
}
