import Foundation
import Kernel
import Language
import Symbols

/// What providers share on the live machine: the kernel catalogue (tracefs, BTF, kallsyms) and
/// the answers of feature probes, asked once per process and only when a provider needs one.
public final class ProviderEnvironment: @unchecked Sendable {
    public let kernel: Kernel.ProbeCatalogue
    /// A dry run: programs are loaded through the verifier and never attached, so providers
    /// whose attach needs a missing feature (kprobes, trampolines, PMCs) still expand, from
    /// BTF, for the code to be checked.
    public let verifyOnly: Bool
    /// `-p PID`: the process whose files `usdt:*:PROBE` searches.
    public let targetPID: Int32?
    private let lock = NSLock()
    private var probed: [KernelFeature: FeatureStatus] = [:]

    public init(kernel: Kernel.ProbeCatalogue, verifyOnly: Bool = false, targetPID: Int32? = nil) {
        self.targetPID = targetPID
        self.kernel = kernel
        self.verifyOnly = verifyOnly
    }

    /// Why the kernel cannot do `feature`, or nil when it can (or could not be told).
    public func unavailable(_ feature: KernelFeature) -> String? {
        lock.lock()
        defer { lock.unlock() }
        let status: FeatureStatus
        if let known = probed[feature] {
            status = known
        } else {
            status = KernelFeatures.probe(catalogue: kernel, features: [feature])[feature]
            probed[feature] = status
        }
        if case .unsupported(let why) = status { return why }
        return nil
    }

    /// Kernel functions named by `pattern` as BTF knows them (a dry run's expansion where
    /// kprobes or trampolines are missing), or a refusal naming the absent function.
    func btfFunctions(matching target: ProbeTarget, withCompilerCopies: Bool = false) throws -> [ProbeTarget] {
        let pattern = target.parts.last ?? ""
        let btf: VmlinuxBTF
        do { btf = try kernel.btf() } catch {
            throw Language.CatalogueError("cannot read kernel BTF to check \(target.name): \(error)")
        }
        // Copies the compiler made of a function (`lookup_fast.constprop.0`, `.isra.0`) are
        // in /proc/kallsyms, not in BTF; a kprobe attaches to them by address all the same.
        let copies = withCompilerCopies ? compilerCopies() : []
        if target.hasWildcard {
            let glob = ProbeGlob(pattern)
            let names = Set(btf.functionNames().filter { glob.matches($0) } + copies.filter { glob.matches($0) })
            guard !names.isEmpty else {
                // bpftrace's words, then why; missing_probes decides whether it is an error.
                throw Language.CatalogueError(
                    "No matches for \(target.kind.rawValue) \(pattern): kernel functions matching '\(pattern)' "
                        + "do not exist on this kernel (not in its BTF\(withCompilerCopies ? " or /proc/kallsyms" : ""))")
            }
            return names.sorted().map {
                ProbeTarget(kind: target.kind, parts: Array(target.parts.dropLast()) + [$0])
            }
        }
        guard btf.functionID(pattern) != nil || copies.contains(pattern) else {
            throw Language.CatalogueError("kernel function '\(pattern)' does not exist on this kernel (not in its BTF)")
        }
        return [target]
    }

    /// Kernel functions with a compiler's suffix (a `.` in the name) from /proc/kallsyms.
    private func compilerCopies() -> [String] {
        guard let table = try? KernelSymbols.shared.table() else { return [] }
        return table.names { $0 == "t" || $0 == "T" }.filter { $0.contains(".") && !$0.hasPrefix("__pfx_") }
    }

    /// The context of a concrete attach point, from the provider's context shape.
    public func context(shape: ContextShape, for target: ProbeTarget) throws -> ProbeContext {
        switch shape {
        case .none: return ProbeContext(layout: .none)
        case .perfEvent: return ProbeContext(layout: .perfEvent)
        case .registers: return ProbeContext(layout: .registers)
        case .tracepointRecord:
            let format: TracepointFormat
            do { format = try kernel.format(category: target.parts[0], event: target.parts[1]) } catch {
                throw Language.CatalogueError("cannot read the format of \(target.name): \(error)")
            }
            return ProbeContext(
                layout: .tracepointRecord, fields: format.fields.filter { !$0.isCommon }.map(ContextFields.field))
        case .rawTracepointArguments:
            return ProbeContext(
                layout: .argumentArray,
                fields: ContextFields.arguments((try? kernel.rawTracepointArguments(target.parts.last!)) ?? []))
        case .functionArguments:
            return ProbeContext(
                layout: .argumentArray,
                fields: ContextFields.arguments(
                    (try? VmlinuxBTF.shared())?.functionArguments(target.parts.last!) ?? []))
        }
    }
}
