// Symbols: names for kernel and user addresses, and addresses for names (uprobes).
//
// Entry points:
// - `KernelSymbols.shared`: kstack frames (`symbolize`), `ksym`, `kaddr` (`address(of:)`).
// - `UserSymbolizer.shared`: ustack frames and `usym` for a pid.
// - `LibraryResolver`: the file behind a uprobe target (`libc`, `bash`, a path, `-p PID`).
// - `ElfSymbolTable.load(path:)`: a file's functions, uprobe offsets, wildcard expansion.
//
// Decisions, and why:
// - Output follows bpftrace byte for byte where a user compares it: `name+offset` with a
//   decimal offset (`+0` included) and `0x…` lower-case hex for unknown addresses. Kernel
//   frames match bpftrace 0.17 exactly (data symbols are skipped and, of several names at
//   one address, the last in kallsyms order is used, as bcc's search returns).
// - Where bpftrace's answer is an accident, the readable one wins: of several user aliases
//   at one address bcc picks whichever its unstable sort leaves last (`__GI___libc_malloc`,
//   `_IO_fflush`); we pick the name a user calls (`malloc`, `fflush`). Functions without a
//   size (hand-written assembly) cover up to the next symbol, as in perf, where bcc prints hex.
// - Stripped files get the .symtab of their separate debug file (build ID, then
//   .gnu_debuglink), as bcc does: with libc6-dbg installed libc's static functions have names.
// - Everything read is cached for the process: kallsyms once, ELF tables by file identity
//   (device, inode, size, mtime) shared across processes, maps once per pid. bpftrace re-reads
//   ~90 MiB at exit to symbolize a profile; here each file is parsed once.
// - Bad input is a `SymbolError` value, never a crash: ELF files go through libelf with
//   ELF_C_READ (pread, not mmap, so a file truncated under us cannot SIGBUS); text parsers skip
//   lines they do not understand. Lookups (`symbolize`, `ksym`, `usym`) never fail: hex is the
//   answer of last resort.
