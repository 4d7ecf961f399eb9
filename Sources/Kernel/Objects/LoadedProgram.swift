import CBPF
import Glibc

/// A BPF program loaded into the kernel and owned by this process (ends with `close()`).
public final class LoadedProgram: @unchecked Sendable {
    public let fd: Int32
    public let name: String
    public let instructionCount: Int
    private var closed = false

    /// What a program needs besides its instructions.
    public struct LoadOptions {
        public var expectedAttachType: UInt32 = 0
        public var attachBTFID: UInt32 = 0
        /// Where the program's functions start (`ProgramSpec.functionStarts`); callbacks beyond
        /// the first are described to the kernel in BTF.
        public var functionStarts: [Int] = [0]
        public init(expectedAttachType: UInt32 = 0, attachBTFID: UInt32 = 0) {
            self.expectedAttachType = expectedAttachType
            self.attachBTFID = attachBTFID
        }
    }

    /// Loads `instructions` (8-byte words, little-endian). Loads once without a verifier log
    /// (the fast path) and, on failure, again with a log so the rejection can be explained.
    public init(name: String, type: UInt32, instructions: [UInt64], options: LoadOptions = LoadOptions()) throws {
        var fd: Int32 = -1
        var log: String? = nil
        let btfFD =
            options.functionStarts.count > 1 ? try FunctionBTF(functionCount: options.functionStarts.count).load() : -1
        defer { if btfFD >= 0 { Glibc.close(btfFD) } }
        let functionInfo = FunctionBTF.records(starts: options.functionStarts)
        for attempt in 0..<2 {
            var opts = bpf_prog_load_opts()
            opts.sz = MemoryLayout<bpf_prog_load_opts>.size
            opts.expected_attach_type = bpf_attach_type(options.expectedAttachType)
            opts.attach_btf_id = options.attachBTFID
            if btfFD >= 0 {
                opts.prog_btf_fd = UInt32(btfFD)
                opts.func_info_rec_size = 8
                opts.func_info_cnt = UInt32(options.functionStarts.count)
            }
            var logBuffer = [CChar](repeating: 0, count: attempt == 0 ? 0 : 4 << 20)
            let result: Int32 = logBuffer.withUnsafeMutableBufferPointer { logPointer in
                if attempt == 1 {
                    opts.log_buf = logPointer.baseAddress
                    opts.log_size = UInt32(logPointer.count)
                    opts.log_level = 1
                }
                return functionInfo.withUnsafeBytes { info in
                    if btfFD >= 0 { opts.func_info = info.baseAddress }
                    return instructions.withUnsafeBytes { raw in
                        cbpf_prog_load(
                            bpf_prog_type(type), String(name.prefix(15)),
                            raw.baseAddress!.assumingMemoryBound(to: bpf_insn.self), instructions.count, &opts)
                    }
                }
            }
            if result >= 0 {
                fd = result
                break
            }
            let code = libbpfErrno(result)
            if code == EPERM && attempt == 0, let reason = Privileges.current().explainDenied("loading BPF programs") {
                throw KernelError.permission(reason)
            }
            if attempt == 1 {
                log = String(cString: logBuffer)
                if log?.isEmpty ?? true {
                    throw KernelError.from("loading program \(name)", errno: code)
                }
            }
        }
        guard fd >= 0 else {
            let text = log ?? ""
            throw KernelError.verifierRejected(
                program: name, log: text, instruction: LoadedProgram.failingInstruction(in: text))
        }
        self.fd = fd
        self.name = name
        self.instructionCount = instructions.count
    }

    deinit { close() }

    public func close() {
        if !closed {
            Glibc.close(fd)
            closed = true
        }
    }

    /// The verifier prints each instruction as `N: (op) ...`; the last one printed before the
    /// error is where it stopped.
    static func failingInstruction(in log: String) -> Int? {
        var last: Int? = nil
        for line in log.split(separator: "\n") {
            let digits = line.prefix { $0.isNumber }
            if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(": (") { last = Int(digits) }
        }
        return last
    }

    /// Runs the program once on the current CPU (BEGIN and END probes), returning its result.
    @discardableResult
    public func testRun() throws -> UInt32 {
        var context = [UInt64](repeating: 0, count: 8)
        var opts = bpf_test_run_opts()
        opts.sz = MemoryLayout<bpf_test_run_opts>.size
        let result = context.withUnsafeMutableBytes { raw -> Int32 in
            opts.ctx_in = UnsafeRawPointer(raw.baseAddress)
            opts.ctx_size_in = UInt32(raw.count)
            return bpf_prog_test_run_opts(fd, &opts)
        }
        if result != 0 { throw KernelError.from("running \(name)", errno: libbpfErrno(result)) }
        return opts.retval
    }

    /// Run count and total run time, when `bpf_enable_stats` is on.
    public func runStatistics() -> (runs: UInt64, nanoseconds: UInt64, verifiedInstructions: UInt32) {
        var info = bpf_prog_info()
        var length = UInt32(MemoryLayout<bpf_prog_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0 else { return (0, 0, 0) }
        return (info.run_cnt, info.run_time_ns, info.xlated_prog_len / 8)
    }

    /// The program's id, as `bpftool prog list` shows it.
    public var id: UInt32 {
        var info = bpf_prog_info()
        var length = UInt32(MemoryLayout<bpf_prog_info>.size)
        guard bpf_obj_get_info_by_fd(fd, &info, &length) == 0 else { return 0 }
        return info.id
    }
}
