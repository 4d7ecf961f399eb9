import Foundation
import Kernel
import Language
import Symbols

/// `usdt:BINARY[:PROVIDER]:PROBE`: a static probe a program or library declares with
/// `<sys/sdt.h>`, found in the file's `.note.stapsdt` notes. It attaches as a uprobe at each of
/// the probe's sites, with the kernel counting the attachment in the probe's semaphore when it
/// has one; `argN` are read where the note says they are (`UsdtArgument`).
struct UsdtProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        if target.parts[0] == "*" { return try expandInProcess(target, in: environment) }
        let path: String
        do { path = try LibraryResolver().resolve(target.parts[0]) } catch {
            throw Language.CatalogueError("cannot find '\(target.parts[0])': \(error)")
        }
        let notes = try Self.notes(in: path)
        let providerGlob = target.parts.count == 3 ? ProbeGlob(target.parts[1]) : nil
        let nameGlob = ProbeGlob(target.parts.last!)
        var seen: Set<[String]> = []
        var targets: [ProbeTarget] = []
        for note in notes where nameGlob.matches(note.name) && (providerGlob?.matches(note.provider) ?? true) {
            let parts = [path, note.provider, note.name]
            guard seen.insert(parts).inserted else { continue }
            let sites = notes.filter { $0.provider == note.provider && $0.name == note.name }
            // One program reads the arguments of every site only where they are in the same
            // places; otherwise each site gets its own, as in bpftrace.
            if Set(sites.map(\.arguments)).count > 1 {
                targets += sites.indices.map { ProbeTarget(kind: target.kind, parts: parts, site: $0) }
            } else {
                targets.append(ProbeTarget(kind: target.kind, parts: parts))
            }
        }
        if targets.isEmpty && !target.hasWildcard {
            let known = Set(notes.map { "\($0.provider):\($0.name)" }).sorted()
            throw Language.CatalogueError(
                "No matches for usdt \(target.parts.joined(separator: ":"))",
                notes: [
                    known.isEmpty
                        ? "\(path) has no USDT probes (no .note.stapsdt section)"
                        : "\(path) has: " + known.prefix(10).joined(separator: ", ")
                ])
        }
        if target.parts.count == 2, !target.hasWildcard, Set(targets.map(\.parts)).count > 1 {
            throw Language.CatalogueError(
                "usdt probe '\(target.parts[1])' is ambiguous in \(path): name its provider",
                notes: targets.map { "usdt:\($0.parts.joined(separator: ":"))" })
        }
        return targets
    }

    /// `usdt:*:[PROVIDER:]PROBE` with `-p PID`: the probes of every file the process has mapped
    /// executable (the program and its libraries), as bpftrace does.
    func expandInProcess(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        guard let pid = environment.targetPID else {
            throw Language.CatalogueError(
                "usdt:* searches one process's files: give its pid with -p PID, or name the binary",
                notes: ["e.g. usdt:/usr/bin/python3:python:function__entry"])
        }
        let maps: ProcessMaps
        do { maps = try ProcessMaps.read(pid: pid) } catch {
            throw Language.CatalogueError("cannot read the mappings of process \(pid): \(error)")
        }
        var files: [String] = []
        for mapping in maps.executableMappings {
            guard let path = mapping.path, path.hasPrefix("/"), !mapping.isDeleted, !files.contains(path) else {
                continue
            }
            files.append(path)
        }
        var targets: [ProbeTarget] = []
        for file in files {
            let pattern = ProbeTarget(kind: target.kind, parts: [file] + target.parts.dropFirst())
            // A file without the probe, or without notes at all, is simply not one of them.
            targets += (try? expand(pattern, in: environment)) ?? []
        }
        if targets.isEmpty && !target.parts.dropFirst().contains(where: { $0.contains("*") || $0.contains("?") }) {
            throw Language.CatalogueError(
                "No matches for usdt \(target.parts.joined(separator: ":")) in process \(pid)",
                notes: ["it maps: " + files.prefix(8).joined(separator: ", ")])
        }
        return targets
    }

    func context(for target: ProbeTarget, in environment: ProviderEnvironment) throws -> ProbeContext {
        let sites = try Self.sites(of: target)
        var arguments: [UsdtArgument]?
        for site in sites {
            let parsed: [UsdtArgument]
            do {
                parsed = try UsdtArgument.parse(site.arguments, probeAddress: site.address) { name in
                    UsdtNote.symbolAddress(name, in: target.parts[0])
                }
            } catch {
                throw Language.CatalogueError("\(target.name): \(error)")
            }
            // Expansion gave sites whose arguments differ programs of their own.
            if let arguments, arguments != parsed {
                throw Language.CatalogueError(
                    "\(target.name) has \(sites.count) sites whose arguments are in different places")
            }
            arguments = parsed
        }
        return ProbeContext(layout: .registers, usdtArguments: arguments ?? [])
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        let path = target.parts[0]
        let table: ElfSymbolTable
        do { table = try ElfCache.shared.table(for: path) } catch {
            throw KernelError.attachFailed(attachPoint: target.name, reason: "\(error)")
        }
        var locations: [(offset: UInt64, semaphore: UInt64)] = []
        for site in try Self.sites(of: target) {
            guard let offset = table.fileOffset(ofVirtualAddress: site.address),
                site.semaphore == 0 || table.fileOffset(ofVirtualAddress: site.semaphore) != nil
            else {
                throw KernelError.attachFailed(
                    attachPoint: target.name,
                    reason: "its address 0x\(String(site.address, radix: 16)) is not in a loaded part of \(path)")
            }
            locations.append((offset, site.semaphore == 0 ? 0 : table.fileOffset(ofVirtualAddress: site.semaphore)!))
        }
        return try Attacher.userProbes(program, path: path, locations: locations, pid: pid, attachPoint: target.name)
    }

    /// The notes of one concrete probe (`[path, provider, name]`): one per site.
    static func sites(of target: ProbeTarget) throws -> [UsdtNote] {
        let sites = try notes(in: target.parts[0]).filter {
            $0.provider == target.parts[1] && $0.name == target.parts[2]
        }
        guard !sites.isEmpty else { throw Language.CatalogueError("No matches for usdt \(target.name)") }
        if let site = target.site {
            guard sites.indices.contains(site) else { throw Language.CatalogueError("No matches for usdt \(target.name)") }
            return [sites[site]]
        }
        return sites
    }

    static func notes(in path: String) throws -> [UsdtNote] {
        do { return try UsdtNote.read(path: path) } catch {
            throw Language.CatalogueError("cannot read the USDT notes of \(path): \(error)")
        }
    }
}
