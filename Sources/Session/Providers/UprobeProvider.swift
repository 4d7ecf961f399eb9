import Kernel
import Language
import Symbols

/// `uprobe:BINARY:FUNCTION` and `uretprobe:`: a function's entry (or return) in a program or
/// library, found by its ELF symbol, attached through the uprobe PMU (only to `pid` when set).
struct UprobeProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        let path: String
        do { path = try LibraryResolver().resolve(target.parts[0]) } catch {
            throw Language.CatalogueError("cannot find '\(target.parts[0])': \(error)")
        }
        let function = target.parts[1]
        if target.hasWildcard {
            let names = (try? ElfSymbolTable.functions(in: path, matching: function)) ?? []
            return names.map { ProbeTarget(kind: target.kind, parts: [path, $0]) }
        }
        do {
            _ = try ElfCache.shared.table(for: path).uprobeOffset(of: function)
        } catch {
            throw Language.CatalogueError("cannot attach to \(function) in \(path): \(error)")
        }
        return [ProbeTarget(kind: target.kind, parts: [path, function])]
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        let path = target.parts[0]
        let offset: UInt64
        do { offset = try ElfCache.shared.table(for: path).uprobeOffset(of: target.parts[1]) } catch {
            throw KernelError.attachFailed(attachPoint: target.name, reason: "\(error)")
        }
        return try Attacher.dynamicProbe(
            program, pmu: "uprobe", target: path, offset: offset, isReturn: descriptor.hasReturnValue, pid: pid,
            attachPoint: target.name)
    }
}
