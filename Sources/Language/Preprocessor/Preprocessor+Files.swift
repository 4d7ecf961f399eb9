/// `#include` and `import`: other files' text joins the program's.
extension Preprocessor {
    /// `#include <linux/sched.h>` is satisfied by BTF, as bpftrace does: kernel types and
    /// enums come from the kernel, not from headers. `#include "x.bt"` reads the file.
    mutating func includeDirective(_ rest: [PPToken], whole: SourceRange, source: SourceFile) throws {
        guard let first = rest.first else { throw Diagnostic("expected a file name after '#include'", at: whole) }
        if first.kind == .string {
            let path = String(first.text.dropFirst().dropLast())
            try bring(path, at: range(first), from: source, importing: false)
            return
        }
        guard first.text == "<", let close = rest.lastIndex(where: { $0.text == ">" }) else {
            throw Diagnostic("expected \"file\" or <header> after '#include'", at: range(first))
        }
        let header = rest[1..<close].map(\.text).joined()
        if options.kernelHasBTF { return }
        throw Diagnostic(
            "cannot include <\(header)>: bpfsh does not read kernel headers, it takes kernel types from BTF, "
                + "and this kernel has none", at: range(first, rest[close]),
            notes: ["enable CONFIG_DEBUG_INFO_BTF, or guard the include with '#ifndef BPFTRACE_HAVE_BTF'"])
    }

    /// `import "path";`, bpftrace's way to bring in other scripts (a directory imports every
    /// file in it). Each path is imported once. Returns what follows the `;` on the line.
    mutating func importStatement(_ line: [PPToken], source: SourceFile) throws -> [PPToken] {
        let positions = line.indices.filter { !line[$0].isTrivia && line[$0].kind != .newline }
        let significant = positions.map { line[$0] }
        let keyword = significant[0]
        let ended = significant.count == 2 || (significant.count >= 3 && significant[2].text == ";")
        guard significant.count >= 2, significant[1].kind == .string, ended else {
            throw Diagnostic(
                "expected 'import \"file\";'", at: range(keyword, significant.count > 1 ? significant[1] : keyword))
        }
        let path = String(significant[1].text.dropFirst().dropLast())
        if path.hasPrefix("stdlib/"), options.loader.directoryEntries(options.loader.resolve(path, from: nil)) == nil,
            (try? options.loader.read(options.loader.resolve(path, from: nil))) == nil
        {
            throw Diagnostic(
                "cannot import '\(path)': it is one of bpftrace's built-in modules of C code, which must be compiled "
                    + "by clang; bpfsh does not use clang", at: range(significant[1]))
        }
        try bring(path, at: range(significant[1]), from: source, importing: true)
        return significant.count >= 3 ? Array(line[(positions[2] + 1)...]) : []
    }

    private mutating func bring(
        _ path: String, at site: SourceRange, from source: SourceFile, importing: Bool
    )
        throws
    {
        let resolved = options.loader.resolve(path, from: source.name == "-e" ? nil : source.name)
        if importing {
            if imported.contains(resolved) { return }
            imported.insert(resolved)
        }
        if importing, let entries = options.loader.directoryEntries(resolved) {
            for entry in entries.sorted() where Preprocessor.kind(of: entry) != .other {
                try bring(resolved + "/" + entry, at: site, from: source, importing: true)
            }
            return
        }
        switch Preprocessor.kind(of: path) {
        case .script, .header: break
        case .cSource:
            throw Diagnostic(
                "cannot \(importing ? "import" : "include") '\(path)': C source must be compiled by clang, "
                    + "which bpfsh does not use", at: site)
        case .other:
            throw Diagnostic(
                "cannot \(importing ? "import" : "include") '\(path)': only bpftrace scripts (.bt) and headers (.h) "
                    + "can be read", at: site)
        }
        includeDepth += 1
        defer { includeDepth -= 1 }
        guard includeDepth <= Preprocessor.maximumIncludeDepth else {
            throw Diagnostic(
                "files include each other too deeply (more than \(Preprocessor.maximumIncludeDepth))", at: site)
        }
        let text: String
        do { text = try options.loader.read(resolved) } catch let error as SourceLoadError {
            throw Diagnostic("cannot read '\(path)': \(error.reason)", at: site)
        }
        let included = SourceFile(name: resolved, text: text)
        let reference = IncludedFile(included)
        let before = output.bytes.count
        try process(included, reference: reference)
        if Preprocessor.kind(of: path) == .header { try checkHeaderHasNoDeclarations(since: before, path: path) }
    }

    /// A header may define macros; C declarations need clang, and kernel types come from BTF.
    private func checkHeaderHasNoDeclarations(since offset: Int, path: String) throws {
        let added = output.bytes[offset...]
        guard let index = added.firstIndex(where: { !PPTokenizer.isSpace($0) && $0 != UInt8(ascii: "\n") }) else {
            return
        }
        let tokens = PPTokenizer.tokenize(Array(added[index...]), file: 0)
        guard let declaration = tokens.first(where: { !$0.isTrivia }) else { return }
        let origin = output.origins[index + declaration.start]
        let last = output.origins[index + declaration.end - 1]
        throw Diagnostic(
            "C declarations in '\(path)' are not supported: bpfsh takes kernel types from BTF and does not run clang",
            at: SourceRange(Int(origin.start), Int(last.end), file: references[Int(origin.file)]),
            notes: ["a header may only define macros here"])
    }

    enum FileKind { case script, header, cSource, other }

    static func kind(of path: String) -> FileKind {
        if path.hasSuffix(".bt") { return .script }
        if path.hasSuffix(".h") { return .header }
        if path.hasSuffix(".c") { return .cSource }
        return .other
    }
}
