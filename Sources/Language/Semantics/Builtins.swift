/// Constants of the language shared by the type checker and the code generator. The
/// builtin variables and functions themselves are tables: `BuiltinVariableTable` and
/// `FunctionTable` (Language/Functions).
public enum Builtins {
    /// Linux signal numbers for `signal("NAME")`.
    public static let signalNumbers: [String: Int] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8, "KILL": 9, "USR1": 10,
        "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15, "STKFLT": 16, "CHLD": 17, "CONT": 18, "STOP": 19,
        "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23, "XCPU": 24, "XFSZ": 25, "VTALRM": 26, "PROF": 27, "WINCH": 28,
        "IO": 29, "PWR": 30, "SYS": 31,
    ]

    /// x86-64 `struct pt_regs` offsets, for arg0..5, retval and reg().
    public static let registerOffsets: [String: Int] = [
        "r15": 0, "r14": 8, "r13": 16, "r12": 24, "bp": 32, "bx": 40, "r11": 48, "r10": 56,
        "r9": 64, "r8": 72, "ax": 80, "cx": 88, "dx": 96, "si": 104, "di": 112, "orig_ax": 120,
        "ip": 128, "cs": 136, "flags": 144, "sp": 152, "ss": 160,
    ]
    public static let argumentRegisters = ["di", "si", "dx", "cx", "r8", "r9"]

    /// Default size of strings read with str() and of `$1` used as a string (bpftrace's 64).
    public static let defaultStringSize = 64
    /// The longest string str() reads (bpftrace's default max_strlen): strings larger than
    /// `on_stack_limit` live in the scratch map, so the 512-byte stack does not bound them.
    public static let maxStringSize = 1024
    /// How many strings join() reads from an argv-style array (bpftrace's limit).
    public static let joinArguments = 16
}
