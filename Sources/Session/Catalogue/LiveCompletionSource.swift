import Foundation
import Kernel
import Language
import Symbols

/// Completion from the running system: tracefs (read once, cached), BTF, and the ELF
/// symbols of uprobe targets.
public final class LiveCompletionSource: CompletionSource {
    let catalogue: Kernel.ProbeCatalogue
    private var tracepoints: [TracepointName]?

    public init(catalogue: Kernel.ProbeCatalogue) { self.catalogue = catalogue }

    private func allTracepoints() -> [TracepointName] {
        if let tracepoints { return tracepoints }
        let list = (try? catalogue.tracepoints()) ?? []
        tracepoints = list
        return list
    }

    public func tracepointCategories() -> [String] { Array(Set(allTracepoints().map(\.category))).sorted() }
    public func tracepointEvents(in category: String) -> [String] {
        allTracepoints().filter { $0.category == category }.map(\.event)
    }
    public func tracepointFields(category: String, event: String) -> [String] {
        ((try? catalogue.format(category: category, event: event))?.fields ?? []).filter { !$0.isCommon }.map(\.name)
    }
    public func rawTracepoints() -> [String] { (try? catalogue.rawTracepoints()) ?? [] }
    public func softwareEvents() -> [String] {
        [
            "cpu-clock", "task-clock", "page-faults", "context-switches", "cpu-migrations", "minor-faults",
            "major-faults",
            "alignment-faults", "emulation-faults", "dummy", "bpf-output",
        ]
    }

    public func functions(in binary: String, prefix: String) -> [String] {
        guard let path = try? LibraryResolver().resolve(binary) else { return [] }
        return ((try? ElfSymbolTable.functions(in: path, matching: prefix + "*")) ?? []).prefix(500).map { $0 }
    }

    public func binaries(prefix: String) -> [String] {
        if prefix.hasPrefix("/") || prefix.hasPrefix(".") {
            let directory = (prefix as NSString).deletingLastPathComponent
            let base = (prefix as NSString).lastPathComponent
            let listing =
                (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "/" : directory)) ?? []
            return listing.filter { base.isEmpty || $0.hasPrefix(base) }.sorted().prefix(300).map { name in
                let path = (directory.isEmpty ? "/" : directory as NSString).appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
                return isDirectory.boolValue ? path + "/" : path
            }
        }
        return ["libc", "libpthread", "libm", "bash", "python3"].filter { $0.hasPrefix(prefix) }
    }
}
