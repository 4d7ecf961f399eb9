import Kernel
import Language

/// `usdt:BINARY[:PROVIDER]:PROBE`: parsed, typed and compiled like a uprobe, but reading USDT
/// notes to place and type the probe is not built yet, so expansion refuses with that reason.
struct UsdtProvider: ProbeProvider {
    let descriptor: ProviderDescriptor

    func expand(_ target: ProbeTarget, in environment: ProviderEnvironment) throws -> [ProbeTarget] {
        throw Language.CatalogueError("usdt probes are not supported yet", notes: ["use uprobe:BINARY:FUNCTION"])
    }

    func attach(
        _ program: LoadedProgram, to target: ProbeTarget, pid: Int32, in environment: ProviderEnvironment
    ) throws -> AttachedLink? {
        throw KernelError.notSupported(feature: "usdt", reason: "usdt probes are not implemented yet")
    }
}
