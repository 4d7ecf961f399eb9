import CBPF
import Specs

#if canImport(Glibc)
    import Glibc
#endif

/// kfunc_exist()/kfunc_allowed(): whether the kernel has a kfunc, and whether a program
/// type may call it, asked as bpftrace asks (its BPFfeature::has_kfunc and kfunc_allowed).
public enum KernelFunctionProbe {
    /// The kernel's BTF names a function of that name.
    public static func exists(_ name: String) -> Bool {
        guard let btf = try? VmlinuxBTF.shared() else { return false }
        return btf.functionID(name) != nil
    }

    /// Loads `call NAME; exit` as `programType`: allowed unless the verifier says "calling
    /// kernel function NAME is not allowed" (any other refusal comes later than that check).
    public static func allowed(_ name: String, in programType: BPFProgramType) -> Bool {
        guard let btf = try? VmlinuxBTF.shared(), let id = btf.functionID(name) else { return false }
        // BPF_JMP | BPF_CALL with src_reg BPF_PSEUDO_KFUNC_CALL (2) and the BTF id as imm.
        let instructions: [UInt64] = [0x85 | 0x20 << 8 | UInt64(id) << 32, 0x0000_0000_0000_0095]
        var log = [CChar](repeating: 0, count: 4096)
        let fd: Int32 = log.withUnsafeMutableBufferPointer { logPointer in
            var options = bpf_prog_load_opts()
            options.sz = MemoryLayout<bpf_prog_load_opts>.size
            options.log_buf = logPointer.baseAddress
            options.log_size = UInt32(logPointer.count)
            options.log_level = 1
            return instructions.withUnsafeBytes { raw in
                bpf_prog_load(
                    bpf_prog_type(programType.rawValue), "bpfsh_kfunc", "GPL",
                    raw.baseAddress!.assumingMemoryBound(to: bpf_insn.self), 2, &options)
            }
        }
        if fd >= 0 {
            close(fd)
            return true
        }
        let text = log.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return !text.contains("calling kernel function \(name) is not allowed")
    }
}
