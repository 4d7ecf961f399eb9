import Foundation
import LanguageTestSupport
import Session
import Shell
import TestSupport

/// A shell over the fake kernel with a compiled-program cache of its own in a scratch
/// directory (removed by `removeCache`), for tests of what the cache changes at Enter.
struct CachedFakeShell {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("bpfsh-cache-\(UUID().uuidString)").path

    /// A shell reading nothing (driven through `execute`) unless given a reader; without
    /// `cached`, it has no cache.
    func make(
        cached: Bool = true, reader: LineReader = NoInputReader(), output: @escaping (String) -> Void,
        errors: @escaping (String) -> Void
    ) -> Shell {
        var options = TracingSession.Options()
        if cached { options.cache = CompiledProgramCache(directory: directory, identity: "bpfsh test\nkernel test\n") }
        var shell: Shell!
        let session = TracingSession(
            backend: FakeKernel(), catalogue: FakeCatalogue(), options: options, write: { shell?.probeOutput($0) })
        shell = Shell(session: session, reader: reader, output: output, errors: errors)
        return shell
    }

    /// Entries the cache holds.
    var entries: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".bpfc") }.count
    }

    func removeCache() { try? FileManager.default.removeItem(atPath: directory) }
}
