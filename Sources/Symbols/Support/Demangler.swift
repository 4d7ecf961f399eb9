#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Demangles the symbols of C++, Swift and Rust programs for stack frames.
///
/// C++ (and Rust's legacy scheme, which is C++'s) goes through the C++ runtime's
/// `__cxa_demangle`, found with dlsym so the package needs no C++ link (where it is missing,
/// names stay mangled); Swift through the Swift runtime's own `swift_demangle`, which bpfsh
/// always carries. bpftrace demangles only C++.
enum Demangler {
    private typealias CxaDemangle =
        @convention(c) (
            UnsafePointer<CChar>?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<Int>?,
            UnsafeMutablePointer<Int32>?
        ) -> UnsafeMutablePointer<CChar>?

    private static let cxaDemangle: CxaDemangle? = {
        guard let symbol = dlsym(nil, "__cxa_demangle") else { return nil }
        return unsafeBitCast(symbol, to: CxaDemangle.self)
    }()

    /// The demangled form of a C++ (`_Z…`), Rust legacy (`_ZN…17h<hash>E`) or Swift (`$s…`)
    /// name, or the name unchanged.
    static func demangle(_ name: String) -> String {
        if isSwift(name) { return swift(name) ?? name }
        guard name.hasPrefix("_Z"), let cxaDemangle else { return name }
        var status: Int32 = 0
        guard let result = cxaDemangle(name, nil, nil, &status) else { return name }
        defer { free(result) }
        guard status == 0 else { return name }
        return withoutRustHash(String(cString: result))
    }

    /// Swift 5's `$s`, and the older `$S` and `_T0` prefixes, with or without the ELF `_`.
    static func isSwift(_ name: String) -> Bool {
        ["$s", "_$s", "$S", "_$S", "_T0", "$e", "_$e"].contains { name.hasPrefix($0) }
    }

    private static func swift(_ name: String) -> String? {
        let text = name.utf8CString
        let demangled = text.withUnsafeBufferPointer { buffer in
            swiftRuntimeDemangle(buffer.baseAddress, buffer.count - 1, nil, nil, 0)
        }
        guard let demangled else { return nil }
        defer { free(demangled) }
        return String(cString: demangled)
    }

    /// Rust's legacy names end in a hash path element (`::h0123456789abcdef`) that only tells
    /// builds apart; rustfilt and perf drop it too.
    static func withoutRustHash(_ name: String) -> String {
        // "::h" and 16 hex digits at the very end.
        let characters = Array(name)
        let count = characters.count
        guard count > 19, String(characters[(count - 19)..<(count - 16)]) == "::h",
            characters[(count - 16)...].allSatisfy(\.isHexDigit)
        else { return name }
        return String(characters[..<(count - 19)])
    }
}

/// The Swift runtime's demangler (`swift/Demangling/Demangle.h`): returns a malloc'd string
/// when no output buffer is given.
@_silgen_name("swift_demangle")
private func swiftRuntimeDemangle(
    _ mangledName: UnsafePointer<CChar>?, _ mangledNameLength: Int, _ outputBuffer: UnsafeMutablePointer<CChar>?,
    _ outputBufferSize: UnsafeMutablePointer<Int>?, _ flags: UInt32
) -> UnsafeMutablePointer<CChar>?
