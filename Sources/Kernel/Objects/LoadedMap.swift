import CBPF
import Glibc

/// A BPF map owned by this process. It ends when `close()` is called or the object is
/// released; nothing is pinned, so a killed process leaves nothing behind.
public final class LoadedMap: @unchecked Sendable {
    public let fd: Int32
    public let name: String
    public let type: UInt32
    public let keySize: Int
    public let valueSize: Int
    public let maxEntries: Int
    /// Per-CPU maps return one value per possible CPU, each rounded up to 8 bytes.
    public let possibleCPUs: Int
    private var closed = false

    /// `described` is how errors name the map to the user (`map @calls`), never the kernel's
    /// name for it (`m_calls`).
    public init(
        name: String, described: String? = nil, type: UInt32, keySize: Int, valueSize: Int, maxEntries: Int
    ) throws {
        let kernelName = Self.kernelName(name)
        let fd = cbpf_map_create(
            bpf_map_type(type), kernelName, UInt32(keySize), UInt32(valueSize), UInt32(maxEntries),
            MapAllocation.flags(for: type))
        guard fd >= 0 else {
            throw KernelError.from("creating \(described ?? "map \(name)")", errno: libbpfErrno(fd))
        }
        self.fd = fd
        self.name = name
        self.type = type
        self.keySize = keySize
        self.valueSize = valueSize
        self.maxEntries = maxEntries
        self.possibleCPUs = Int(max(1, libbpf_num_possible_cpus()))
    }

    /// The name the kernel keeps: at most 15 bytes of ASCII letters, digits and `_` (it
    /// refuses others). Byte by byte: Character's Unicode properties and the generic String
    /// initializers cost a conformance lookup over the whole binary at the first map of a start.
    static func kernelName(_ name: String) -> String {
        var bytes: [UInt8] = []
        for byte in name.utf8 {
            guard bytes.count < 15 else { break }
            let isAlphanumeric = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
            bytes.append(isAlphanumeric || byte == 0x5F ? byte : 0x5F)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    deinit { close() }

    public func close() {
        if !closed {
            Glibc.close(fd)
            closed = true
        }
    }

    public var isPerCPU: Bool {
        type == BPF_MAP_TYPE_PERCPU_HASH.rawValue || type == BPF_MAP_TYPE_PERCPU_ARRAY.rawValue
            || type == BPF_MAP_TYPE_LRU_PERCPU_HASH.rawValue
    }

    private var valueBufferSize: Int { isPerCPU ? (valueSize + 7) / 8 * 8 * possibleCPUs : valueSize }

    /// The value for `key` (one element per CPU for per-CPU maps), nil if absent.
    public func lookup(_ key: [UInt8]) -> [[UInt8]]? {
        var value = [UInt8](repeating: 0, count: max(1, valueBufferSize))
        let result = key.withUnsafeBytes { k in
            value.withUnsafeMutableBytes { v in bpf_map_lookup_elem(fd, k.baseAddress, v.baseAddress) }
        }
        guard result == 0 else { return nil }
        return split(value)
    }

    private func split(_ value: [UInt8]) -> [[UInt8]] {
        guard isPerCPU else { return [value] }
        let stride = (valueSize + 7) / 8 * 8
        return (0..<possibleCPUs).map { Array(value[($0 * stride)..<($0 * stride + valueSize)]) }
    }

    /// All keys, in the kernel's iteration order. Keys deleted during the walk are skipped.
    public func keys(limit: Int = Int.max) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var next = [UInt8](repeating: 0, count: keySize)
        var previous: [UInt8]? = nil
        while result.count < limit {
            let status: Int32
            if let previous {
                status = previous.withUnsafeBytes { p in
                    next.withUnsafeMutableBytes { n in bpf_map_get_next_key(fd, p.baseAddress, n.baseAddress) }
                }
            } else {
                status = next.withUnsafeMutableBytes { n in bpf_map_get_next_key(fd, nil, n.baseAddress) }
            }
            if status != 0 { break }
            result.append(next)
            previous = next
        }
        return result
    }

    /// Every entry as (key, per-CPU values).
    public func entries() -> [(key: [UInt8], values: [[UInt8]])] {
        keys().compactMap { key in lookup(key).map { (key, $0) } }
    }

    @discardableResult
    public func delete(_ key: [UInt8]) -> Bool {
        key.withUnsafeBytes { bpf_map_delete_elem(fd, $0.baseAddress) } == 0
    }

    public func update(_ key: [UInt8], _ value: [UInt8]) throws {
        var full = value
        if isPerCPU {
            full = Array(
                (0..<possibleCPUs).map { _ in
                    value + [UInt8](repeating: 0, count: (valueSize + 7) / 8 * 8 - value.count)
                }.joined())
        }
        let result = key.withUnsafeBytes { k in
            full.withUnsafeBytes { v in bpf_map_update_elem(fd, k.baseAddress, v.baseAddress, 0) }
        }
        if result != 0 { throw KernelError.from("updating map \(name)", errno: libbpfErrno(result)) }
    }

    /// Whether the kernel allocates this map's entries as they are inserted rather than at
    /// creation (`MapAllocation`), as the kernel reports it.
    public var allocatesOnInsert: Bool {
        var info = bpf_map_info()
        var length = UInt32(MemoryLayout<bpf_map_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0 else { return false }
        return info.map_flags & UInt32(BPF_F_NO_PREALLOC) != 0
    }

    /// Deletes every entry (`clear()`).
    public func clear() {
        for key in keys() { delete(key) }
    }

    /// Sets every value to zero, keeping the keys (`zero()`).
    public func zeroValues() {
        for key in keys() { try? update(key, [UInt8](repeating: 0, count: valueSize)) }
    }
}
