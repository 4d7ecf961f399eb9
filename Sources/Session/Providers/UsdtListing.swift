import Kernel
import Language
import Symbols

/// `bpfsh -l 'usdt:BINARY[:PROVIDER]:PROBE'` (globs allowed, `-p PID` for `usdt:*`): the
/// probes the file's notes declare, one `usdt:PATH:PROVIDER:NAME` per line, as bpftrace lists
/// them. The kernel catalogue lists only what the kernel knows; these live in user files.
public enum UsdtListing {
    /// Nil when `pattern` is not a usdt pattern; otherwise the probes, or why none can be read.
    public static func list(_ pattern: String, pid: Int32?) -> Result<[String], Error>? {
        var fields = pattern.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let first = fields.first, first == "usdt" || first == "U", fields.count >= 2 else { return nil }
        fields.removeFirst()
        if fields.count == 1 { fields.append("*") }
        let provider = UsdtProvider(descriptor: ProviderTable.builtin[.usdt]!)
        let environment = ProviderEnvironment(kernel: Kernel.ProbeCatalogue(), targetPID: pid)
        do {
            let targets = try provider.expand(ProbeTarget(kind: .usdt, parts: fields), in: environment)
            var seen: Set<String> = []
            return .success(targets.map(\.name).filter { seen.insert($0).inserted })
        } catch {
            return .failure(error)
        }
    }
}
