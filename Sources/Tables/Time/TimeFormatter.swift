#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// bpftrace's `time(fmt)`: the current wall-clock time through C's `strftime`.
///
/// bpftrace formats the time when the event reaches user space, not when the probe fired,
/// in the local time zone, into a 64-byte buffer; a result that does not fit (or is empty,
/// which `strftime` cannot tell apart) is an error and nothing is printed. The output gets
/// no newline added: the default format carries its own.
public enum TimeFormatter {
    /// bpftrace's format when `time()` has no argument.
    public static let defaultFormat = "%H:%M:%S\n"

    /// bpftrace's buffer size for the formatted time, terminating NUL included.
    public static let bufferSize = 64

    /// Formats `secondsSinceEpoch` (default: now) in local time, or in UTC when `utc` is set
    /// (tests, and output meant to be compared across machines). Nil when `strftime` fails.
    public static func format(
        _ format: String = defaultFormat,
        secondsSinceEpoch: Int? = nil,
        utc: Bool = false
    ) -> String? {
        var seconds = time_t(secondsSinceEpoch ?? Int(time(nil)))
        var parts = tm()
        let converted = utc ? gmtime_r(&seconds, &parts) : localtime_r(&seconds, &parts)
        guard converted != nil else { return nil }
        var buffer = [CChar](repeating: 0, count: bufferSize)
        let written = format.withCString { fmt in
            strftime(&buffer, bufferSize, fmt, &parts)
        }
        guard written > 0 else { return nil }
        return String(decoding: buffer.prefix(written).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// bpftrace's `strftime(fmt, ns)`: C's strftime of the whole seconds, with bpftrace's `%f`
    /// (the microseconds, six digits) filled in first.
    public static func format(
        _ format: String, nanosecondsSinceEpoch nanoseconds: Int64, utc: Bool = false
    ) -> String? {
        let seconds = Int(nanoseconds.quotient(1_000_000_000))
        let micros = Int(nanoseconds - Int64(seconds) * 1_000_000_000) / 1000
        var expanded = ""
        var characters = format.makeIterator()
        while let c = characters.next() {
            guard c == "%" else {
                expanded.append(c)
                continue
            }
            guard let next = characters.next() else {
                expanded.append(c)
                break
            }
            if next == "f" {
                let digits = String(micros)
                expanded += String(repeating: "0", count: max(0, 6 - digits.count)) + digits
            } else {
                expanded += "%" + String(next)
            }
        }
        return self.format(expanded, secondsSinceEpoch: seconds, utc: utc)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so times before the epoch keep a
    /// non-negative fraction.
    fileprivate func quotient(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor < 0) ? q - 1 : q
    }
}
