import Foundation
import Language
import Specs

/// The text user space shows for a `SType.named` value.
enum NamedIntegerText {
    static func text(_ kind: NamedInteger, _ raw: UInt64) -> String {
        let value = Int64(bitPattern: raw)
        switch kind {
        case .syscall:
            return SyscallTable.native.name(Int(value)).map { $0 } ?? "\(value)"
        case .signal:
            // glibc's descriptions ("Interrupt", "Unknown signal 0"); beyond the real-time
            // signals there is no signal at all.
            guard value >= 0, value <= 64 else { return "N/A" }
            return String(cString: strsignal(Int32(value)))
        case .errno:
            guard value >= 0, value <= 4095 else { return "Unknown error \(value)" }
            return String(cString: Foundation.strerror(Int32(value)))
        case .cgroupPath:
            return CgroupPaths.path(of: raw)
        case .macAddress:
            // The canonical form bpftrace prints: upper-case hex, first byte first.
            return (0..<6).map { String(format: "%02X", (raw >> (8 * UInt64($0))) & 0xFF) }.joined(separator: ":")
        case .user:
            guard let entry = getpwuid(uid_t(truncatingIfNeeded: raw)), let name = entry.pointee.pw_name else {
                return "\(raw)"
            }
            return String(cString: name)
        }
    }
}
