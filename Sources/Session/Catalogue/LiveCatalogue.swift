import Foundation
import Kernel
import Language
import Symbols

/// The running kernel as the type checker sees it: tracepoint formats from tracefs, BTF
/// arguments for raw tracepoints, symbols for uprobes and kaddr, and honest refusals for
/// providers this kernel lacks.
public final class LiveCatalogue: Language.ProbeCatalogue {
    public let kernel: Kernel.ProbeCatalogue
    let features: KernelFeatureCache

    public init(kernel: Kernel.ProbeCatalogue = Kernel.ProbeCatalogue()) {
        self.kernel = kernel
        self.features = KernelFeatureCache()
    }

    public func expand(_ target: ProbeTarget) throws -> [ProbeTarget] {
        switch target.kind {
        case .begin, .end, .interval, .profile:
            return [target]
        case .software, .hardware:
            let provider: PerfEventDescription.Provider = target.kind == .software ? .software : .hardware
            guard PerfEventCatalogue.event(provider, named: target.parts[0]) != nil else {
                throw CatalogueError(
                    "unknown \(target.kind.rawValue) event '\(target.parts[0])'",
                    notes: ["list them with: bpfsh -l '\(target.kind.rawValue):*'"])
            }
            if target.kind == .hardware, let reason = features.unavailable(.hardware) {
                throw CatalogueError(
                    "hardware events cannot be used here: \(reason)",
                    notes: ["software events such as software:cpu-clock and software:page-faults still work"])
            }
            return [target]
        case .tracepoint:
            let pattern = target.parts.joined(separator: ":")
            if !target.hasWildcard {
                guard kernel.hasTracepoint(category: target.parts[0], event: target.parts[1]) else {
                    var similar = kernel.similarTracepoints(
                        to: TracepointName(category: target.parts[0], event: target.parts[1]))
                    if similar.isEmpty {
                        let names = ((try? kernel.tracepoints()) ?? []).map(\.description)
                        similar = Suggestions.closest(to: pattern, in: names, limit: 5)
                    }
                    throw CatalogueError(
                        "tracepoint '\(pattern)' does not exist on this kernel",
                        notes: similar.isEmpty ? [] : ["did you mean: " + similar.prefix(5).joined(separator: ", ")])
                }
                return [target]
            }
            let names = (try? kernel.tracepoints(matching: pattern)) ?? []
            return names.map { ProbeTarget(kind: .tracepoint, parts: [$0.category, $0.event]) }
        case .rawtracepoint, .tpBTF:
            let names = (try? kernel.rawTracepoints()) ?? []
            let glob = ProbeGlob(target.parts[0])
            let matched =
                target.hasWildcard ? names.filter { glob.matches($0) } : names.filter { $0 == target.parts[0] }
            if matched.isEmpty && !target.hasWildcard {
                throw CatalogueError(
                    "\(target.kind.rawValue) '\(target.parts[0])' does not exist on this kernel "
                        + "(no btf_trace_\(target.parts[0]) in BTF)"
                )
            }
            return matched.map { ProbeTarget(kind: target.kind, parts: [$0]) }
        case .kprobe, .kretprobe:
            if let reason = kernel.kprobeUnavailableReason() {
                let function = target.parts.last ?? ""
                let alternatives = KprobeAlternatives(catalogue: kernel).suggestions(for: function, limit: 5)
                var notes = ["kprobes need CONFIG_KPROBES; tracepoints, raw tracepoints (tp_btf) and uprobes work here"]
                if !alternatives.isEmpty {
                    notes.append(
                        "tracepoints covering the same ground: " + alternatives.map(\.probe).joined(separator: ", "))
                }
                throw CatalogueError(
                    "\(target.kind.rawValue) probes cannot attach on this kernel: \(reason)", notes: notes)
            }
            if target.hasWildcard {
                let glob = ProbeGlob(target.parts.last!)
                return ((try? kernel.kprobeFunctions()) ?? []).filter { glob.matches($0) }.map {
                    ProbeTarget(kind: target.kind, parts: [$0])
                }
            }
            return [target]
        case .fentry, .fexit:
            if let reason = features.unavailable(.fentry) {
                let function = target.parts.last ?? ""
                let alternatives = KprobeAlternatives(catalogue: kernel).suggestions(for: function, limit: 5)
                var notes = ["fentry/fexit need BPF trampolines, which this kernel refuses"]
                if !alternatives.isEmpty {
                    notes.append(
                        "tracepoints covering the same ground: " + alternatives.map(\.probe).joined(separator: ", "))
                }
                throw CatalogueError(
                    "\(target.kind.rawValue) probes cannot attach on this kernel: \(reason)", notes: notes)
            }
            return [target]
        case .uprobe, .uretprobe, .usdt:
            if target.kind == .usdt {
                throw CatalogueError("usdt probes are not supported yet", notes: ["use uprobe:BINARY:FUNCTION"])
            }
            let path: String
            do { path = try LibraryResolver().resolve(target.parts[0]) } catch {
                throw CatalogueError("cannot find '\(target.parts[0])': \(error)")
            }
            let function = target.parts[1]
            if target.hasWildcard {
                let names = (try? ElfSymbolTable.functions(in: path, matching: function)) ?? []
                return names.map { ProbeTarget(kind: target.kind, parts: [path, $0]) }
            }
            do {
                _ = try ElfCache.shared.table(for: path).uprobeOffset(of: function)
            } catch {
                throw CatalogueError("cannot attach to \(function) in \(path): \(error)")
            }
            return [ProbeTarget(kind: target.kind, parts: [path, function])]
        }
    }

    public func context(for target: ProbeTarget) throws -> ProbeContext {
        switch target.kind {
        case .begin, .end: return ProbeContext(layout: .none)
        case .interval, .profile, .software, .hardware: return ProbeContext(layout: .perfEvent)
        case .kprobe, .kretprobe, .uprobe, .uretprobe, .usdt: return ProbeContext(layout: .registers)
        case .tracepoint:
            let format: TracepointFormat
            do { format = try kernel.format(category: target.parts[0], event: target.parts[1]) } catch {
                throw CatalogueError("cannot read the format of \(target.name): \(error)")
            }
            return ProbeContext(
                layout: .tracepointRecord, fields: format.fields.filter { !$0.isCommon }.map(LiveCatalogue.contextField)
            )
        case .rawtracepoint, .tpBTF, .fentry, .fexit:
            let arguments =
                target.kind == .fentry || target.kind == .fexit
                ? ((try? VmlinuxBTF.shared())?.functionArguments(target.parts.last!) ?? [])
                : ((try? kernel.rawTracepointArguments(target.parts.last!)) ?? [])
            let fields = arguments.enumerated().map { index, argument in
                ContextField(
                    name: argument.name, offset: index * 8, size: argument.size,
                    kind: argument.isPointer
                        ? .pointer(pointee: LiveCatalogue.pointee(of: argument.typeName))
                        : .integer(signed: argument.isSigned))
            }
            return ProbeContext(layout: .argumentArray, fields: target.kind == .rawtracepoint ? fields : fields)
        }
    }

    static func contextField(_ field: TracepointField) -> ContextField {
        let kind: ContextField.Kind
        switch field.layout {
        case .scalar: kind = .integer(signed: field.isSigned)
        case .pointer: kind = .pointer(pointee: LiveCatalogue.pointee(of: field.typeName))
        case .array(_, let count):
            kind = field.isString ? .charArray(length: count ?? field.size) : .opaque
        case .flexibleArray: kind = .opaque
        case .dataLocation: kind = field.isString ? .dataLocString : .opaque
        case .relativeLocation: kind = .opaque
        }
        return ContextField(name: field.name, offset: field.offset, size: field.size, kind: kind)
    }

    public func member(of typeName: String, named name: String) -> ContextField? {
        var words = typeName.split(separator: " ").map(String.init)
        words.removeAll { $0 == "const" || $0 == "volatile" }
        guard let btf = try? VmlinuxBTF.shared(), let member = btf.member(of: words.joined(separator: " "), named: name)
        else { return nil }
        let kind: ContextField.Kind
        if member.bitfieldSize > 0 {
            kind = .opaque
        } else if btf.isPointer(member.typeID) {
            kind = .pointer(pointee: LiveCatalogue.pointee(of: member.typeName))
        } else if member.typeName.hasSuffix("]") {
            let element = member.typeName.prefix { $0 != "[" }
            kind = element.hasSuffix("char") ? .charArray(length: member.size) : .opaque
        } else if member.typeName.hasPrefix("struct ") || member.typeName.hasPrefix("union ") {
            kind = .record(name: member.typeName)
        } else {
            kind = .integer(signed: btf.isSigned(member.typeID))
        }
        return ContextField(name: member.name, offset: member.offset, size: min(8, max(1, member.size)), kind: kind)
    }

    /// `struct task_struct *` → `struct task_struct`: SType.pointer names the pointee.
    static func pointee(of typeName: String) -> String {
        var text = typeName.trimmingCharacters(in: .whitespaces)
        if text.hasSuffix("*") { text.removeLast() }
        return text.trimmingCharacters(in: .whitespaces)
    }

    public func kernelAddress(of symbol: String) -> UInt64? {
        KernelSymbols.shared.address(of: symbol)
    }
}

/// Feature probes run once per process, only when a provider needs the answer.
final class KernelFeatureCache {
    enum Feature { case hardware, fentry }
    private var answers: [Feature: String?] = [:]

    private var probed: KernelFeatures?

    func unavailable(_ feature: Feature) -> String? {
        if let known = answers[feature] { return known }
        let features = probed ?? KernelFeatures.probe()
        probed = features
        let status = features[feature == .hardware ? .hardwarePMCs : .fentry]
        let reason: String?
        if case .unsupported(let why) = status { reason = why } else { reason = nil }
        answers[feature] = reason
        return reason
    }
}
