import CBPF
import Foundation

/// What the kernel reports about processes' executable mappings, as perf's own `perf record`
/// learns them: every executable mapping as it is made, exec (a new image: the old mappings
/// are gone), fork (the child starts with the parent's mappings) and exit.
public enum ProcessMappingRecord: Equatable, Sendable {
    case mapped(
        pid: Int32, start: UInt64, length: UInt64, fileOffset: UInt64, major: UInt32, minor: UInt32, inode: UInt64,
        path: String)
    case executed(pid: Int32)
    case forked(pid: Int32, parent: Int32)
    case exited(pid: Int32)
    /// Records the kernel dropped because a ring was full.
    case lost(UInt64)
}

/// Follows every process's executable mappings system-wide through a dummy software perf
/// event per CPU with `mmap2`, `comm` and `task` records: so a stack taken in a process that
/// lived for a millisecond still resolves once it has gone, when /proc/PID/maps is empty.
/// The kernel queues the records in a ring per CPU; `drain` reads what is there, never waits.
public final class ProcessMappingWatcher {
    private struct Ring {
        var fd: Int32
        var base: UnsafeMutableRawPointer
        var dataSize: Int
    }
    private var rings: [Ring] = []
    private let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    /// Data pages per CPU (a power of two): 32 pages hold thousands of records between drains.
    static let dataPages = 32

    public init(cpus: [Int32]) throws {
        do {
            for cpu in cpus { rings.append(try Self.open(cpu: cpu, pageSize: pageSize)) }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    public func close() {
        for ring in rings {
            munmap(ring.base, pageSize * (1 + Self.dataPages))
            Glibc.close(ring.fd)
        }
        rings = []
    }

    private static func open(cpu: Int32, pageSize: Int) throws -> Ring {
        var attr = perf_event_attr()
        attr.type = PERF_TYPE_SOFTWARE.rawValue
        attr.size = UInt32(MemoryLayout<perf_event_attr>.size)
        attr.config = UInt64(PERF_COUNT_SW_DUMMY.rawValue)
        attr.mmap = 1
        attr.mmap2 = 1
        attr.comm = 1
        attr.comm_exec = 1
        attr.task = 1
        // Every record ends with its time, so the rings of all CPUs merge into one order: a
        // process may exec on one CPU and map its libraries on another.
        attr.sample_type = UInt64(PERF_SAMPLE_TIME.rawValue)
        attr.sample_id_all = 1
        attr.watermark = 1
        attr.wakeup_watermark = UInt32(pageSize * dataPages / 2)
        let fd = cbpf_perf_event_open(&attr, -1, cpu, -1, UInt(PERF_FLAG_FD_CLOEXEC))
        guard fd >= 0 else {
            throw KernelError.system(operation: "perf_event_open (mmap records, CPU \(cpu))", errno: errno)
        }
        let length = pageSize * (1 + dataPages)
        guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), base != MAP_FAILED else {
            let code = errno
            Glibc.close(fd)
            throw KernelError.system(operation: "mmap of the mmap-record ring", errno: code)
        }
        return Ring(fd: fd, base: base, dataSize: pageSize * dataPages)
    }

    /// Hands every record queued so far to `handle`, oldest first across CPUs.
    public func drain(_ handle: (ProcessMappingRecord) -> Void) {
        var records: [(time: UInt64, record: ProcessMappingRecord)] = []
        for ring in rings {
            let page = ring.base
            let head = cbpf_perf_ring_head(page)
            var tail = page.load(fromByteOffset: 1032, as: UInt64.self)  // data_tail
            let data = page.advanced(by: pageSize)
            while tail < head {
                let headerBytes = Self.copy(data, ring.dataSize, from: tail, count: 8)
                let size = Int(UInt16(headerBytes[6]) | UInt16(headerBytes[7]) << 8)
                guard size >= 8 else { break }
                let record = Self.copy(data, ring.dataSize, from: tail, count: size)
                if let parsed = Self.parse(record) { records.append((Self.time(of: record), parsed)) }
                tail += UInt64(size)
            }
            cbpf_perf_ring_set_tail(page, tail)
        }
        // Stable: records of one CPU with equal times keep their ring order.
        for entry in records.enumerated().sorted(by: { a, b in
            a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
        }) {
            handle(entry.element.record)
        }
    }

    /// The time a record ends with (`sample_id_all` with only `PERF_SAMPLE_TIME`).
    static func time(of record: [UInt8]) -> UInt64 {
        guard record.count >= 16 else { return 0 }
        return record[(record.count - 8)...].reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// `count` bytes of the ring from position `position`, across its wrap-around.
    private static func copy(_ data: UnsafeMutableRawPointer, _ size: Int, from position: UInt64, count: Int) -> [UInt8]
    {
        var bytes = [UInt8](repeating: 0, count: count)
        let start = Int(position % UInt64(size))
        let first = min(count, size - start)
        bytes.withUnsafeMutableBytes { out in
            out.baseAddress!.copyMemory(from: data.advanced(by: start), byteCount: first)
            if first < count {
                out.baseAddress!.advanced(by: first).copyMemory(from: data, byteCount: count - first)
            }
        }
        return bytes
    }

    static let recordMmap: UInt32 = 1, recordLost: UInt32 = 2, recordComm: UInt32 = 3, recordExit: UInt32 = 4
    static let recordFork: UInt32 = 7, recordMmap2: UInt32 = 10
    static let commExec: UInt16 = 1 << 13

    /// One record (header included) as a value; nil for kinds not followed.
    static func parse(_ bytes: [UInt8]) -> ProcessMappingRecord? {
        func u32(_ at: Int) -> UInt32 {
            guard at + 4 <= bytes.count else { return 0 }
            return bytes[at..<at + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }
        func u64(_ at: Int) -> UInt64 {
            guard at + 8 <= bytes.count else { return 0 }
            return bytes[at..<at + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        func string(_ at: Int) -> String {
            guard at < bytes.count else { return "" }
            let end = bytes[at...].firstIndex(of: 0) ?? bytes.count
            return String(decoding: bytes[at..<end], as: UTF8.self)
        }
        let type = u32(0)
        let misc = UInt16(bytes[4]) | UInt16(bytes[5]) << 8
        let pid = Int32(bitPattern: u32(8))
        switch type {
        case recordMmap2:
            return .mapped(
                pid: pid, start: u64(16), length: u64(24), fileOffset: u64(32), major: u32(40), minor: u32(44),
                inode: u64(48), path: string(72))
        case recordMmap:
            return .mapped(
                pid: pid, start: u64(16), length: u64(24), fileOffset: u64(32), major: 0, minor: 0, inode: 0,
                path: string(40))
        case recordComm:
            return misc & commExec != 0 && u32(8) == u32(12) ? .executed(pid: pid) : nil
        case recordFork:
            // A new thread shares its process's mappings; only a new process is followed.
            let parent = Int32(bitPattern: u32(12))
            return pid != parent ? .forked(pid: pid, parent: parent) : nil
        case recordExit:
            return u32(8) == u32(16) ? .exited(pid: pid) : nil
        case recordLost:
            return .lost(u64(16))
        default:
            return nil
        }
    }
}
