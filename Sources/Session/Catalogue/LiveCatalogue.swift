import Foundation
import Kernel
import Language
import Symbols

/// The running kernel as the type checker sees it: each attach point is expanded and given its
/// context by its provider's file in `Session/Providers`, chosen from the session's
/// `ProviderRegistry`; struct members come from BTF and `kaddr` from kallsyms.
public final class LiveCatalogue: Language.ProbeCatalogue {
    public let kernel: Kernel.ProbeCatalogue
    public let registry: ProviderRegistry
    let environment: ProviderEnvironment

    public init(
        kernel: Kernel.ProbeCatalogue = Kernel.ProbeCatalogue(), registry: ProviderRegistry = .builtin,
        environment: ProviderEnvironment? = nil
    ) {
        self.kernel = kernel
        self.registry = registry
        self.environment = environment ?? ProviderEnvironment(kernel: kernel)
    }

    public var providers: ProviderTable { registry.table }

    public func expand(_ target: ProbeTarget) throws -> [ProbeTarget] {
        try StartupTiming.measure(.catalogue) { try provider(of: target).expand(target, in: environment) }
    }

    public func context(for target: ProbeTarget) throws -> ProbeContext {
        try StartupTiming.measure(.catalogue) { try provider(of: target).context(for: target, in: environment) }
    }

    private func provider(of target: ProbeTarget) throws -> any ProbeProvider {
        guard let provider = registry[target.kind] else {
            throw Language.CatalogueError("\(target.kind.rawValue) probes have no provider in this session")
        }
        return provider
    }

    public func member(of typeName: String, named name: String) -> ContextField? {
        StartupTiming.measure(.catalogue) { lookUpMember(of: typeName, named: name) }
    }

    private func lookUpMember(of typeName: String, named name: String) -> ContextField? {
        var words = typeName.split(separator: " ").map(String.init)
        words.removeAll { $0 == "const" || $0 == "volatile" }
        guard let btf = try? VmlinuxBTF.shared(), let member = btf.member(of: words.joined(separator: " "), named: name)
        else { return nil }
        return Self.field(member, in: btf)
    }

    public func members(of typeName: String) -> [ContextField]? {
        StartupTiming.measure(.catalogue) {
            var words = typeName.split(separator: " ").map(String.init)
            words.removeAll { $0 == "const" || $0 == "volatile" }
            guard let btf = try? VmlinuxBTF.shared(), let members = btf.members(of: words.joined(separator: " "))
            else { return nil }
            return members.compactMap { member -> ContextField? in
                guard var field = Self.field(member, in: btf) else { return nil }
                // A float or other type bpftrace cannot show prints as null, not as an integer.
                if case .integer = field.kind, field.bitfield == nil, !btf.isInteger(member.typeID) {
                    field.kind = .opaque
                }
                return field
            }
        }
    }

    private static func field(_ member: BTFStructMember, in btf: VmlinuxBTF) -> ContextField? {
        let kind: ContextField.Kind
        if member.bitfieldSize > 0 {
            // `unsigned int sk_padding:1`: its bits from the bytes that hold them.
            guard let (offset, bitfield) = Bitfield.at(bitOffset: member.bitOffset, width: member.bitfieldSize)
            else { return nil }
            return ContextField(
                name: member.name, offset: offset, size: min(8, max(1, member.size)),
                kind: .integer(signed: btf.isSigned(member.typeID)), bitfield: bitfield)
        } else if btf.isPointer(member.typeID) {
            kind = .pointer(pointee: ContextFields.pointee(of: member.typeName))
        } else if member.typeName.hasSuffix("]") {
            let element = member.typeName.prefix { $0 != "[" }
            kind = element.hasSuffix("char") ? .charArray(length: member.size) : Self.arrayKind(member.typeID, in: btf)
        } else if let record = member.recordName {
            // Embedded, qualifiers and typedefs resolved (`const struct qstr d_name`).
            kind = .record(name: record)
        } else {
            kind = .integer(signed: btf.isSigned(member.typeID))
        }
        // An embedded struct keeps its whole size: an array of them says how many it holds.
        var size = min(8, max(1, member.size))
        if case .record = kind { size = member.size }
        return ContextField(
            name: member.name, offset: member.offset, size: size, kind: kind,
            isBool: ContextField.isBoolName(member.typeName))
    }

    /// `__u8 u6_addr8[16]`, `unsigned long sig[1]`: integers and pointers become `SType.array`;
    /// arrays of structs stay opaque.
    private static func arrayKind(_ id: UInt32, in btf: VmlinuxBTF) -> ContextField.Kind {
        guard let shape = btf.arrayShape(id) else { return .opaque }
        let element: SType
        if btf.isPointer(shape.element) {
            element = .pointer(pointee: ContextFields.pointee(of: btf.typeName(shape.element)))
        } else if btf.isInteger(shape.element), [1, 2, 4, 8].contains(btf.size(of: shape.element)) {
            element = .int(bytes: btf.size(of: shape.element), signed: btf.isSigned(shape.element))
        } else {
            // `struct rlimit rlim[16]`: known by the address of its first element, which
            // indexing moves by whole structs (`rlim[7].rlim_cur`), as C decays an array.
            let name = btf.typeName(shape.element)
            let isRecord = name.hasPrefix("struct ") || name.hasPrefix("union ")
            return isRecord && shape.lengths.count == 1 ? .record(name: name) : .opaque
        }
        return .array(shape.lengths.reversed().reduce(element) { .array(element: $0, count: $1) })
    }

    /// Asked for every program (the preprocessor's BPFTRACE_HAVE_BTF), so answered without
    /// loading BTF: a program that reads no kernel type never loads it.
    public var hasBTF: Bool { StartupTiming.measure(.catalogue) { VmlinuxBTF.isPresent() } }

    public func recordSize(of typeName: String) -> Int? {
        guard let btf = try? VmlinuxBTF.shared(), let id = btf.compositeID(typeName) else { return nil }
        return btf.size(of: id)
    }

    public func percpuVariable(named name: String) -> KernelVariable? {
        StartupTiming.measure(.catalogue) {
            (try? VmlinuxBTF.shared())?.variable(named: name).map {
                KernelVariable(
                    btfID: $0.id, typeName: $0.typeName, isPerCPU: $0.sectionOffset != nil,
                    sectionOffset: $0.sectionOffset ?? 0)
            }
        }
    }

    public func enumValue(named name: String) -> Int64? {
        StartupTiming.measure(.catalogue) { (try? VmlinuxBTF.shared())?.enumValue(named: name) }
    }

    public func userSymbol(named name: String, in binary: String) -> BinarySymbol? {
        guard let table = try? ElfCache.shared.table(for: binary), let symbol = table.symbol(named: name) else {
            return nil
        }
        return BinarySymbol(address: symbol.value, size: symbol.size, positionIndependent: table.isPositionIndependent)
    }

    public func userProbeAddress(of target: ProbeTarget) -> UInt64? {
        // A usdt program serving several sites fires at several addresses: no single one.
        if target.kind == .usdt {
            guard let sites = try? UsdtProvider.sites(of: target), sites.count == 1 else { return nil }
            return sites[0].address
        }
        guard target.kind == .uprobe, target.parts.count >= 2,
            let offset = try? UprobeProvider.fileOffset(of: target.parts[1], in: target.parts[0]),
            let table = try? ElfCache.shared.table(for: target.parts[0])
        else { return nil }
        return table.virtualAddress(ofFileOffset: offset)
    }

    public func kernelFunctionExists(_ name: String) -> Bool { KernelFunctionProbe.exists(name) }

    public func kernelFunctionAllowed(_ name: String, in programType: BPFProgramType) -> Bool {
        KernelFunctionProbe.allowed(name, in: programType)
    }

    public func kernelAddress(of symbol: String) -> UInt64? {
        StartupTiming.measure(.catalogue) { KernelSymbols.shared.address(of: symbol) }
    }
}
