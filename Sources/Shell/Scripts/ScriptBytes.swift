import Foundation

/// Reads a script file as UTF-8 text, or says exactly why not: the system's reason when the
/// file cannot be read, the line and column of the first byte that is not UTF-8 otherwise.
public enum ScriptBytes {
    public struct ReadError: Error, CustomStringConvertible, Equatable {
        enum Reason: Equatable {
            case unreadable(Int32)
            case invalidUTF8(line: Int, column: Int, byte: UInt8)
        }
        let path: String
        let reason: Reason

        public var description: String {
            switch reason {
            case .unreadable(let code):
                return "\(path): cannot read the script: \(String(cString: strerror(code)))"
            case .invalidUTF8(let line, let column, let byte):
                return "\(path):\(line):\(column): error: the script is not valid UTF-8 "
                    + "(byte 0x\(String(byte, radix: 16, uppercase: false)))"
            }
        }
    }

    public static func read(_ path: String) throws -> String {
        // read(2) directly, so the errno said is the one that stopped the read.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(path: path, reason: .unreadable(errno)) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = Glibc.read(fd, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(path: path, reason: .unreadable(errno))
            }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        return try decode(bytes, path: path)
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // Walk the scalars to the first that does not decode; its start is the offset.
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput, .error: break loop
            }
        }
        let before = bytes[..<offset]
        let lineStart = (before.lastIndex(of: 10).map { $0 + 1 }) ?? 0
        let line = before.filter { $0 == 10 }.count + 1
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).count + 1
        throw ReadError(path: path, reason: .invalidUTF8(line: line, column: column, byte: bytes[offset]))
    }
}
