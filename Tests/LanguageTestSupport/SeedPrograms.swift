/// Valid programs for the fake kernel, the seeds of the random-input tests. Each one must be
/// accepted by the type checker as written.
public let seedPrograms: [String] = [
    "BEGIN { printf(\"hello\\n\"); exit(); }",
    "BEGIN { printf(\"%d %u %x %s|%5d|%-4s|\\n\", -3, 7, 255, \"str\", 42, \"ab\"); exit(); }",
    "BEGIN { printf(\"%d %d %d %d\\n\", 1 + 2 * 3, (1 + 2) * 3, 17 % 5, -7 / 2); exit(); }",
    "BEGIN { $x = 5; if ($x > 10) { printf(\"big\\n\"); } else if ($x > 3) { printf(\"medium\\n\"); } "
        + "else { printf(\"small\\n\"); } }",
    "BEGIN { $i = 0; $sum = 0; while ($i < 10) { $sum += $i; $i++; if ($i == 7) { break; } } "
        + "printf(\"sum %d\\n\", $sum); }",
    "BEGIN { $i = 1; unroll(5) { $i = $i * 2; } printf(\"%d\\n\", $i); }",
    "BEGIN { $a = 3; printf(\"%s\\n\", $a > 2 ? \"yes\" : \"no\"); }",
    "BEGIN { if (comm == \"bpfsh\") { printf(\"self\\n\"); } exit(3); }",
    "BEGIN { for ($i : 0..5) { if ($i == 2) { continue; } @squares[$i] = $i * $i; } }",
    "tracepoint:sched:sched_switch /args.prev_pid != 0/ { @switches[args.prev_comm] = count(); "
        + "@lat = hist(args.prev_state); }",
    "t:sched:sched_switch { @[args->next_comm, args->next_pid] = count(); }",
    "t:syscalls:sys_enter_openat { printf(\"%s %s\\n\", comm, str(args.filename)); }",
    "t:syscalls:sys_enter_* { @[probe] = count(); }",
    "t:sched:sched_process_exec { printf(\"exec %s\\n\", args.filename); }",
    "kprobe:vfs_read { @bytes[comm] = sum(arg2); @sizes = lhist(arg2, 0, 4096, 512); }",
    "kretprobe:vfs_read /retval > 0/ { @ret = stats(retval); @mx = max(retval); @mn = min(retval); "
        + "@av = avg(retval); }",
    "k:vfs_read, k:vfs_write { @[func, pid] = count(); }",
    "uprobe:/bin/bash:readline { printf(\"%s\\n\", str(arg0)); }",
    "uretprobe:/bin/bash:readline /pid == 1/ { printf(\"%s\\n\", str(retval)); }",
    "profile:hz:99 { @[kstack, comm] = count(); }",
    "interval:s:1 { print(@c); clear(@c); time(\"%H:%M:%S\\n\"); } BEGIN { @c = count(); }",
    "rawtracepoint:sched_switch { @[args.prev->comm] = count(); }",
    "fentry:vfs_read { @bytes = sum(args.count); }",
    "BEGIN { @start = nsecs; } END { printf(\"%d\\n\", (nsecs - @start) / 1000000); clear(@start); }",
    "BEGIN { $t = (1, \"two\", comm); printf(\"%d %s %s\\n\", $t.0, $t.1, $t.2); }",
    "BEGIN { @m[1, \"a\"] = 2; delete(@m[1, \"a\"]); @k = kaddr(\"jiffies\"); }",
    "BEGIN { $x = (uint8)300; $y = (int16)-1; @z = $x + $y << 2 | 1 & ~0 ^ 3; @w++; --@w; }",
    "BEGIN { $p = curtask; @pid = $p->pid; @ppid = curtask->real_parent->tgid; @v = curtask->se.vruntime; }",
    "k:vfs_read { @k[ksym(reg(\"ip\"))] = count(); @addr = ntop(2, arg0); @s = strncmp(comm, \"sh\", 2); }",
    "k:vfs_read { join(arg1, \",\"); cat(\"/proc/%d/status\", pid); }",
    "BEGIN { let $n: uint32 = 7; let $s; $s = \"x\"; printf(\"%d %s %d\\n\", $n, $s, sizeof(uint64)); return; }",
    "#include <linux/sched.h>\n// a comment\nBEGIN /* inline */ { @x = 0x10 + 0b11 + 017 + 1_000 + 1e3 + 'a'; }",
    "k:vfs_read /comm == \"cat\" && (arg2 / 2) > 0/ { @[ustack(perf, 3)] = count(); }",
    "software:cpu-clock:1000000 { @[cpu] = count(); } hardware:cpu-cycles { @c = count(); }",
]
