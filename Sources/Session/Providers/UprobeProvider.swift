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
        _ = try Self.fileOffset(of: function, in: path)
        return [ProbeTarget(kind: target.kind, parts: [path, function])]
    }

    /// Where in the file a uprobe goes: `FUNCTION`, `FUNCTION+OFFSET` (within the function) or
    /// an address in the binary (`0x1234`, within some function), with bpftrace's messages.
    static func fileOffset(of location: String, in path: String) throws -> UInt64 {
        let table: ElfSymbolTable
        do { table = try ElfCache.shared.table(for: path) } catch {
            throw Language.CatalogueError("cannot attach to \(location) in \(path): \(error)")
        }
        if let address = parseNumber(location) {
            guard table.function(containing: address) != nil, let offset = table.fileOffset(ofVirtualAddress: address)
            else {
                throw Language.CatalogueError(
                    "Could not resolve address: \(path):0x\(String(address, radix: 16))", atAttach: true)
            }
            return offset
        }
        var name = location
        var within: UInt64 = 0
        if let plus = location.lastIndex(of: "+"), let offset = parseNumber(String(location[location.index(after: plus)...])) {
            name = String(location[..<plus])
            within = offset
            if let function = table.function(named: name), within >= max(function.size, 1) {
                throw Language.CatalogueError(
                    "Offset outside the function bounds ('\(name)' size is \(function.size))")
            }
        }
        do { return try table.uprobeOffset(of: name, plus: within) } catch {
            throw Language.CatalogueError("cannot attach to \(location) in \(path): \(error)")
        }
    }

    /// A decimal or `0x` hexadecimal number.
    private static func parseNumber(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        let path = target.parts[0]
        let offset: UInt64
        do { offset = try Self.fileOffset(of: target.parts[1], in: path) } catch {
            throw KernelError.attachFailed(attachPoint: target.name, reason: "\(error)")
        }
        return try Attacher.dynamicProbe(
            program, pmu: "uprobe", target: path, offset: offset, isReturn: descriptor.hasReturnValue, pid: pid,
            attachPoint: target.name)
    }
}
