import TestSupport
import XCTest

@testable import Kernel

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers shared by the catalogue and feature tests.
enum KernelCatalogueTestSupport {
    /// Real-kernel tests need root (tracefs is root-only, BPF needs CAP_BPF). They skip
    /// without it, and fail instead when CI sets BPFSH_REQUIRE_KERNEL_TESTS=1 (KernelTestGate).
    static func requireRoot(_ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        try KernelTestGate.require(file: file, line: line)
    }

    /// Real formats copied from a 6.18 kernel's tracefs, so parser tests run anywhere.
    static let schedSwitchFormat = """
        name: sched_switch
        ID: 372
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
        \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

        \tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
        \tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;
        \tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;
        \tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;
        \tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;
        \tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;
        \tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;

        print fmt: "prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d", \
        REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | \
        0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? \
        __print_flags(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | \
        0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1), "|", { 0x00000001, "S" }, { 0x00000002, "D" }) : "R", \
        REC->next_comm, REC->next_pid, REC->next_prio

        """

    static let sysEnterOpenatFormat = """
        name: sys_enter_openat
        ID: 782
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
        \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

        \tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;
        \tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;
        \tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;
        \tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;
        \tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;

        print fmt: "dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx", ((unsigned long)(REC->dfd)), \
        ((unsigned long)(REC->filename)), ((unsigned long)(REC->flags)), ((unsigned long)(REC->mode))

        """

    static let schedProcessExecFormat = """
        name: sched_process_exec
        ID: 365
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
        \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

        \tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;
        \tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;
        \tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;

        print fmt: "filename=%s pid=%d old_pid=%d", __get_str(filename), REC->pid, REC->old_pid

        """

    static let rawSyscallsEnterFormat = """
        name: sys_enter
        ID: 443
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;
        \tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

        \tfield:long id;\toffset:8;\tsize:8;\tsigned:1;
        \tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;

        print fmt: "NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)", REC->id, REC->args[0], REC->args[1], REC->args[2], \
        REC->args[3], REC->args[4], REC->args[5]

        """

    /// A throwaway directory laid out like tracefs, for catalogue tests without root.
    final class FakeTraceFS {
        let root: String

        init(events: [String: String]) throws {
            var template = Array("/tmp/bpfsh-tracefs-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw XCTSkip("cannot create a temporary directory") }
            root = String(cString: made)
            try write("available_events", events.keys.sorted().joined(separator: "\n") + "\n")
            for (name, format) in events {
                let parts = name.split(separator: ":")
                let directory = "events/\(parts[0])/\(parts[1])"
                try makeDirectories(directory)
                try write(directory + "/format", format)
                if let idLine = format.split(separator: "\n").first(where: { $0.hasPrefix("ID:") }) {
                    try write(directory + "/id", String(idLine.dropFirst(3).drop { $0 == " " }) + "\n")
                }
            }
        }

        var traceFS: TraceFS { TraceFS(root: root) }

        func write(_ relative: String, _ text: String) throws {
            let path = root + "/" + relative
            guard let file = fopen(path, "w") else { throw XCTSkip("cannot write \(path)") }
            fputs(text, file)
            fclose(file)
        }

        func makeDirectories(_ relative: String) throws {
            var path = root
            for part in relative.split(separator: "/") {
                path += "/" + part
                mkdir(path, 0o755)
            }
        }

        deinit {
            // Remove the temporary tree, depth first.
            func remove(_ path: String) {
                if let dir = opendir(path) {
                    while let entry = readdir(dir) {
                        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                        }
                        if name == "." || name == ".." { continue }
                        remove(path + "/" + name)
                    }
                    closedir(dir)
                    rmdir(path)
                } else {
                    unlink(path)
                }
            }
            remove(root)
        }
    }

    /// Open file descriptors of this process, to check that probing closes what it opens.
    static func openDescriptorCount() -> Int {
        guard let dir = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(dir) }
        var count = 0
        while readdir(dir) != nil { count += 1 }
        return count
    }
}
