#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// C++ name demangling through the C++ runtime's `__cxa_demangle`, which the Swift runtime
/// already loads on Linux; bpftrace demangles ustack frames the same way by default.
///
/// Found with dlsym so the package needs no C++ link: where it is missing, names stay mangled.
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

    /// The demangled form of an Itanium C++ name (`_Z…`), or the name unchanged.
    static func demangle(_ name: String) -> String {
        guard name.hasPrefix("_Z"), let cxaDemangle else { return name }
        var status: Int32 = 0
        guard let result = cxaDemangle(name, nil, nil, &status) else { return name }
        defer { free(result) }
        return status == 0 ? String(cString: result) : name
    }
}
