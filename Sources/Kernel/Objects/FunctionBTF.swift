import CBPF
import Glibc

/// The BTF the kernel needs to load a program with callbacks (`for` loops over maps): each
/// function of the program as a static `BTF_KIND_FUNC`, and one `func_info` record per
/// function giving where it starts. The verifier refuses a `BPF_PSEUDO_FUNC` reference without
/// them ("missing btf func_info", "callback function not static").
///
/// Types: 1 `long`, 2 `void *`, 3 `long (void *ctx)`, 4 `long (void *, void *, void *, void *)`,
/// then one FUNC per function: the program (proto 3), the callbacks (proto 4).
struct FunctionBTF {
    let functionCount: Int

    /// The raw BTF: header, types, strings.
    var blob: [UInt8] {
        var strings: [UInt8] = [0]
        func name(_ text: String) -> UInt32 {
            let offset = UInt32(strings.count)
            strings += Array(text.utf8) + [0]
            return offset
        }
        var types: [UInt32] = []
        func kind(_ kind: UInt32, vlen: UInt32 = 0) -> UInt32 { kind << 24 | vlen }
        types += [name("long"), kind(1), 8, 1 << 24 | 64]  // INT, signed, 64 bits
        types += [0, kind(2), 0]  // PTR to void
        types += [0, kind(13, vlen: 1), 1, name("ctx"), 2]  // FUNC_PROTO long (void *ctx)
        types += [0, kind(13, vlen: 4), 1]
        for parameter in ["map", "key", "value", "frame"] { types += [name(parameter), 2] }
        for index in 0..<functionCount {
            types += [name(index == 0 ? "probe" : "probe_for\(index)"), kind(12, vlen: 0), index == 0 ? 3 : 4]
        }
        var data: [UInt8] = []
        func append(_ value: UInt32) { for i in 0..<4 { data.append(UInt8((value >> (8 * UInt32(i))) & 0xFF)) } }
        let typeBytes = UInt32(types.count * 4)
        data += [0x9F, 0xEB, 1, 0]  // magic 0xeB9F, version 1, flags 0
        append(24)  // header length
        append(0)
        append(typeBytes)
        append(typeBytes)
        append(UInt32(strings.count))
        for value in types { append(value) }
        return data + strings
    }

    /// The BTF id of function `index`'s FUNC type.
    static func typeID(ofFunction index: Int) -> UInt32 { UInt32(5 + index) }

    /// `bpf_func_info` records (instruction offset, type id) for the functions starting at
    /// `starts`, in order.
    static func records(starts: [Int]) -> [UInt32] {
        starts.enumerated().flatMap { [UInt32($0.element), typeID(ofFunction: $0.offset)] }
    }

    /// Loads the BTF, returning its fd.
    func load() throws -> Int32 {
        let data = blob
        let fd = data.withUnsafeBytes { bpf_btf_load($0.baseAddress, data.count, nil) }
        if fd < 0 { throw KernelError.from("loading BTF for a program's functions", errno: libbpfErrno(fd)) }
        return fd
    }
}
