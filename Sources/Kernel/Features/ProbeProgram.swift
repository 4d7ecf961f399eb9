import CBPF

#if canImport(Glibc)
    import Glibc
#endif

/// Loads the smallest valid BPF program (`r0 = 0; exit`) as a given type, to ask the kernel
/// whether it accepts that program type and attach target.
///
/// Loading a real program is the only honest test: kernel version numbers lie (backports,
/// distribution configs, lockdown), and the verifier is what finally says yes or no.
enum ProbeProgram {
    /// `r0 = 0` (BPF_ALU64 | BPF_MOV | BPF_K, dst r0) and `exit` (BPF_JMP | BPF_EXIT), as the
    /// little-endian 8-byte instructions the kernel expects.
    static let returnZero: [UInt64] = [0x0000_0000_0000_00b7, 0x0000_0000_0000_0095]

    /// The loaded program's fd, or the errno of the refusal. The caller closes the fd.
    static func load(
        _ type: bpf_prog_type, expectedAttachType: bpf_attach_type? = nil,
        attachBTFID: UInt32 = 0
    ) -> Result<Int32, OSErrno> {
        var options = bpf_prog_load_opts()
        options.sz = MemoryLayout<bpf_prog_load_opts>.size
        if let expectedAttachType { options.expected_attach_type = expectedAttachType }
        options.attach_btf_id = attachBTFID
        let fd = returnZero.withUnsafeBytes { raw in
            bpf_prog_load(
                type, "bpfsh_probe", "GPL",
                raw.baseAddress!.assumingMemoryBound(to: bpf_insn.self), 2, &options)
        }
        // libbpf 1.x returns -errno (and sets errno).
        if fd < 0 { return .failure(OSErrno(-fd)) }
        return .success(fd)
    }
}
