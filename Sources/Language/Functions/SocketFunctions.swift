import Foundation

/// socket_cookie(), skboutput(): helpers the kernel gives only to programs whose arguments
/// carry BTF types (fentry, fexit, tp_btf: `BPF_PROG_TYPE_TRACING`), as bpftrace requires.
extension FunctionDescriptor {
    static let btfArguments = ProbeRequirement("fentry, fexit and tp_btf probes") { name, site in
        site.provider.programType == .tracing
            ? nil
            : "\(name)() needs a socket or sk_buff argument typed by BTF, which only fentry, fexit and tp_btf "
                + "probes have (bpf_\(name == "skboutput" ? "skb_output" : "get_socket_cookie") is a helper of "
                + "BPF_PROG_TYPE_TRACING programs); \(site.target.kind.rawValue) probes cannot call it"
    }

    public static let socketCookie = FunctionDescriptor(
        name: "socket_cookie", signature: "socket_cookie(struct sock *sk)", result: "uint64",
        summary: "the kernel's cookie of socket sk (bpf_get_socket_cookie), 0 when sk is NULL", category: .misc,
        probes: btfArguments
    ) { call in
        guard call.arity(1...1) else { return .u64 }
        call.refuseIfProbeNotAllowed()
        let socket = call.infer(0)
        guard case .pointer(let pointee) = socket,
            ["struct sock", "struct sock_common"].contains(pointee.replacingOccurrences(of: "const ", with: ""))
        else {
            call.error("socket_cookie() takes a struct sock *, not \(socket)", call.arguments[0].range)
            return .u64
        }
        return .u64
    }

    /// Typed like bpftrace's; refused even where the helper exists, since bpfsh has no pcap writer.
    public static let skboutput = FunctionDescriptor(
        name: "skboutput", signature: "skboutput(string path, struct sk_buff *skb, int length, int offset)",
        result: "uint32", summary: "write skb's data to a pcap file (not supported by bpfsh)", category: .misc,
        probes: btfArguments
    ) { call in
        let result = SType.int(bytes: 4, signed: false)
        guard call.arity(4...4) else { return result }
        if case .string = call.arguments[0].kind {
        } else {
            call.infer(0)
            call.error("skboutput() takes a string literal path", call.arguments[0].range)
        }
        let skb = call.infer(1)
        if case .pointer(let pointee) = skb, pointee.replacingOccurrences(of: "const ", with: "") == "struct sk_buff" {
        } else {
            call.error("skboutput() takes a struct sk_buff *, not \(skb)", call.arguments[1].range)
        }
        call.integerArgument(2)
        _ = call.literalInteger(3)
        guard call.site.provider.programType == .tracing else {
            call.refuseIfProbeNotAllowed()
            return result
        }
        call.error(
            "skboutput() is not supported by bpfsh: it would write packets through a perf buffer "
                + "(bpf_skb_output) to a pcap file, and bpfsh sends events through one ring buffer",
            call.range)
        return result
    }
}
