import Foundation

/// nsecs(mode): a timestamp from one of the kernel's clocks.
extension FunctionDescriptor {
    /// The clocks `nsecs(MODE)` reads, by the name the program writes.
    public enum TimestampMode: String, Sendable, CaseIterable {
        case boot, monotonic, tai, swTai = "sw_tai"
    }

    public static let nsecsFunction = FunctionDescriptor(
        name: "nsecs", signature: "nsecs([mode])", result: "int",
        summary: "nanoseconds of a kernel clock, mode: boot (the default, as nsecs), monotonic, tai or sw_tai",
        category: .misc
    ) { call in
        guard call.arity(0...1) else { return .u64 }
        guard let argument = call.arguments.first else {
            call.setConstant(UInt64(TimestampMode.allCases.firstIndex(of: .boot)!))
            return .u64
        }
        guard case .builtin(let name) = argument.kind, let mode = TimestampMode(rawValue: name) else {
            call.error(
                "nsecs() takes a clock: " + TimestampMode.allCases.map(\.rawValue).joined(separator: ", "),
                argument.range)
            return .u64
        }
        call.setConstant(UInt64(TimestampMode.allCases.firstIndex(of: mode)!))
        return .u64
    }

    public static let strftime = FunctionDescriptor(
        name: "strftime", signature: "strftime(string fmt, int nsecs)", result: "timestamp",
        summary: "a boot-time timestamp (nsecs) as wall-clock text, formatted by user space with C's strftime "
            + "plus %f for microseconds", category: .string
    ) { call in
        let args = call.arguments
        guard call.arity(2...2) else { return .timestamp(format: "") }
        guard case .string(let format) = args[0].kind else {
            call.error("strftime() takes a string literal format", args[0].range)
            return .timestamp(format: "")
        }
        call.integerArgument(1)
        return .timestamp(format: format)
    }

    /// CLOCK_TAI minus CLOCK_BOOTTIME now, for `nsecs(sw_tai)` on kernels without a TAI helper:
    /// the clock read three times (boot, TAI, boot) so the TAI reading sits at the midpoint.
    public static func taiOffsetFromBoot() -> Int64 {
        func read(_ clock: clockid_t) -> Int64 {
            var spec = timespec()
            clock_gettime(clock, &spec)
            return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
        }
        let before = read(CLOCK_BOOTTIME)
        let tai = read(CLOCK_TAI)
        let after = read(CLOCK_BOOTTIME)
        return tai - (before + (after - before) / 2)
    }
}
