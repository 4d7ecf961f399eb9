/// Where one argument of a USDT probe is at the probe's instruction, as `<sys/sdt.h>` records
/// it in the ELF note: `SIZE@OPERAND`, the operand in the assembler's x86-64 syntax (`8@%rdi`,
/// `-4@-20(%rbp)`, `-4@$5`, `8@counter(%rip)`). A negative size is a signed value.
public struct UsdtArgument: Hashable, Sendable {
    public enum Location: Hashable, Sendable {
        /// A register of `struct pt_regs`, by bpfsh's name for it (`ax`, `r8`, `ip`).
        case register(String)
        case constant(Int64)
        /// Memory at `base + index * scale + displacement` (registers by pt_regs name).
        case memory(base: String?, index: String?, scale: Int, displacement: Int64)
    }
    /// Bytes: 1, 2, 4 or 8.
    public var size: Int
    public var isSigned: Bool
    public var location: Location

    public init(size: Int, isSigned: Bool, location: Location) {
        self.size = size
        self.isSigned = isSigned
        self.location = location
    }

    /// The arguments of a note's argument string (space separated). `symbol` gives a symbol's
    /// address in the file, for `NAME(%rip)` operands, which then read relative to the probe's
    /// own address `probeAddress` (the `ip` register at the probe).
    public static func parse(
        _ text: String, probeAddress: UInt64 = 0, symbol: (String) -> UInt64? = { _ in nil }
    ) throws(UsdtArgumentError) -> [UsdtArgument] {
        try text.split(separator: " ").map { word throws(UsdtArgumentError) in
            try parseOne(String(word), probeAddress: probeAddress, symbol: symbol)
        }
    }

    static func parseOne(
        _ word: String, probeAddress: UInt64, symbol: (String) -> UInt64?
    ) throws(UsdtArgumentError) -> UsdtArgument {
        var size = 8
        var signed = false
        var operand = Substring(word)
        if let at = word.firstIndex(of: "@"), let declared = Int(word[..<at]) {
            guard [1, 2, 4, 8].contains(abs(declared)) else { throw UsdtArgumentError(word, "size \(declared)") }
            size = abs(declared)
            signed = declared < 0
            operand = word[word.index(after: at)...]
        }
        func argument(_ location: Location) -> UsdtArgument {
            UsdtArgument(size: size, isSigned: signed, location: location)
        }
        if operand.hasPrefix("%") {
            guard let register = register(operand.dropFirst()) else {
                throw UsdtArgumentError(word, "register \(operand)")
            }
            return argument(.register(register))
        }
        if operand.hasPrefix("$") {
            guard let value = number(operand.dropFirst()) else { throw UsdtArgumentError(word, "constant \(operand)") }
            return argument(.constant(value))
        }
        // DISPLACEMENT(BASE[,INDEX[,SCALE]]), the displacement a number or SYMBOL[+-N].
        guard let open = operand.firstIndex(of: "("), operand.hasSuffix(")") else {
            throw UsdtArgumentError(word, "operand \(operand)")
        }
        let inside = operand[operand.index(after: open)..<operand.index(before: operand.endIndex)]
            .split(separator: ",", omittingEmptySubsequences: false)
        let prefix = operand[..<open]
        var displacement: Int64 = 0
        var registers: [String?] = []
        for (position, part) in inside.enumerated() where position < 2 {
            if part.isEmpty {
                registers.append(nil)
                continue
            }
            guard part.hasPrefix("%"), let name = register(part.dropFirst()) else {
                throw UsdtArgumentError(word, "register \(part)")
            }
            registers.append(name)
        }
        let scale = inside.count > 2 ? Int(inside[2]) ?? 0 : 1
        guard [1, 2, 4, 8].contains(scale), inside.count <= 3 else { throw UsdtArgumentError(word, "scale") }
        if prefix.isEmpty {
            displacement = 0
        } else if let value = number(prefix) {
            displacement = value
        } else {
            // `counter(%rip)`, `counter+8(%rip)`: the assembler made it relative to the next
            // instruction; at the probe, `ip` is the probe's own address, so read it relative to that.
            guard registers.first == "ip" else { throw UsdtArgumentError(word, "symbol without %rip") }
            var name = prefix
            var addend: Int64 = 0
            if let sign = prefix.lastIndex(where: { $0 == "+" || $0 == "-" }), sign != prefix.startIndex,
                let value = number(prefix[sign...].drop { $0 == "+" })
            {
                name = prefix[..<sign]
                addend = value
            }
            guard let address = symbol(String(name)) else { throw UsdtArgumentError(word, "unknown symbol \(name)") }
            displacement = Int64(bitPattern: address &- probeAddress) &+ addend
        }
        return argument(
            .memory(
                base: registers.first ?? nil, index: registers.count > 1 ? registers[1] : nil, scale: scale,
                displacement: displacement))
    }

    /// `42`, `-20`, `0x10`, `-0x10`.
    static func number(_ text: Substring) -> Int64? {
        var digits = text
        let negative = digits.hasPrefix("-")
        if negative { digits = digits.dropFirst() }
        let magnitude: UInt64?
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            magnitude = UInt64(digits.dropFirst(2), radix: 16)
        } else {
            magnitude = UInt64(digits)
        }
        guard let magnitude else { return nil }
        let value = Int64(bitPattern: magnitude)
        return negative ? 0 &- value : value
    }

    /// An x86-64 register of any width as the pt_regs slot that holds it (`%eax`, `%al` →
    /// `ax`; `%r8d` → `r8`). The high-byte registers (`%ah`) are not offered by the compiler
    /// for `sdt.h` operands and are refused.
    static func register(_ name: Substring) -> String? {
        let legacy: [String: String] = [
            "rax": "ax", "eax": "ax", "ax": "ax", "al": "ax",
            "rbx": "bx", "ebx": "bx", "bx": "bx", "bl": "bx",
            "rcx": "cx", "ecx": "cx", "cx": "cx", "cl": "cx",
            "rdx": "dx", "edx": "dx", "dx": "dx", "dl": "dx",
            "rsi": "si", "esi": "si", "si": "si", "sil": "si",
            "rdi": "di", "edi": "di", "di": "di", "dil": "di",
            "rbp": "bp", "ebp": "bp", "bp": "bp", "bpl": "bp",
            "rsp": "sp", "esp": "sp", "sp": "sp", "spl": "sp",
            "rip": "ip",
        ]
        if let slot = legacy[String(name)] { return slot }
        guard name.hasPrefix("r") else { return nil }
        var number = name.dropFirst()
        if let last = number.last, "dwb".contains(last) { number = number.dropLast() }
        guard let n = Int(number), (8...15).contains(n) else { return nil }
        return "r\(n)"
    }
}

/// An argument operand bpfsh cannot read.
public struct UsdtArgumentError: Error, Hashable, Sendable, CustomStringConvertible {
    public var argument: String
    public var what: String
    public init(_ argument: String, _ what: String) {
        self.argument = argument
        self.what = what
    }
    public var description: String { "cannot read the USDT argument '\(argument)' (\(what))" }
}
