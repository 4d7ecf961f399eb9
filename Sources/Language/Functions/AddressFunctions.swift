import Foundation

/// pton(): an IP address written as text, as the bytes ntop() and comparisons with packet
/// fields need.
extension FunctionDescriptor {
    public static let pton = FunctionDescriptor(
        name: "pton", signature: "pton(string addr)", result: "uint32 (IPv4) or 16-byte buffer (IPv6)",
        summary: "an IPv4 or IPv6 address literal in network byte order, converted when compiling",
        category: .string
    ) { call in
        guard call.arity(1...1), case .string(let text) = call.arguments[0].kind else {
            call.error("pton() takes an IPv4 or IPv6 address as a string literal", call.range)
            return .u64
        }
        guard let bytes = InternetAddress.bytes(of: text) else {
            call.error("pton() cannot convert '\(text)': it is not an IPv4 or IPv6 address", call.arguments[0].range)
            return .u64
        }
        if bytes.count == 4 {
            // The four bytes as they lie in memory, read as one little- or big-endian word.
            call.setConstant(UInt64(UInt32(littleEndian: bytes.withUnsafeBytes { $0.load(as: UInt32.self) })))
            return .int(bytes: 4, signed: false)
        }
        return .buffer(size: 16)
    }
}

/// Text addresses to bytes with the C library's `inet_pton`.
public enum InternetAddress {
    /// The 4 or 16 bytes of an IPv4 or IPv6 address, nil when it is neither.
    public static func bytes(of text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &v6) == 1 { return v6 }
        return nil
    }
}
