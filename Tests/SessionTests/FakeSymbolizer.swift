import Language
import Session

/// Names addresses predictably so decoding can be asserted without a kernel.
struct FakeSymbolizer: Symbolizing {
    func kernelStack(id: Int64, limit: Int, mode: StackMode) -> [String] {
        Array(["k\(id)_leaf", "k\(id)_mid", "k\(id)_root"].prefix(limit)).map { mode == .bpftrace ? $0 : "\(mode) \($0)" }
    }
    func userStack(id: Int64, pid: Int32, caller: UInt64, limit: Int, mode: StackMode) -> [String] {
        Array(["u\(id)@\(pid)", "main"].prefix(limit)).map { mode == .bpftrace ? $0 : "\(mode) \($0)" }
    }
    func kernelSymbol(_ address: UInt64) -> String { "ksym_\(address)" }
    func userSymbol(_ address: UInt64, pid: Int32) -> String { "usym_\(address)@\(pid)" }
}

/// Little-endian bytes of an integer, as the kernel stores it.
func bytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}

func padded(_ text: String, _ size: Int) -> [UInt8] {
    Array(text.utf8) + [UInt8](repeating: 0, count: size - text.utf8.count)
}
