import CBPF

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One USDT probe site of an ELF file: a note of type 3 named `stapsdt` in `.note.stapsdt`,
/// as `<sys/sdt.h>`'s `DTRACE_PROBE*`/`STAP_PROBE*` macros leave them.
public struct UsdtNote: Hashable, Sendable {
    public var provider: String
    public var name: String
    /// The probe's instruction, as a virtual address of the file (prelinking undone).
    public var address: UInt64
    /// The semaphore's virtual address, or 0 when the probe has none.
    public var semaphore: UInt64
    /// The argument specifications (`-4@%eax 8@-16(%rbp)`), see `UsdtArgument.parse`.
    public var arguments: String

    public init(provider: String, name: String, address: UInt64, semaphore: UInt64, arguments: String) {
        self.provider = provider
        self.name = name
        self.address = address
        self.semaphore = semaphore
        self.arguments = arguments
    }

    /// Every USDT note of the file at `path` (none when it has no `.note.stapsdt`).
    public static func read(path: String) throws(SymbolError) -> [UsdtNote] {
        guard elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE) else {
            throw .notELF(path: path, reason: "libelf version mismatch")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .cannotRead(path: path, errno: errno) }
        defer { close(fd) }
        guard let elf = elf_begin(fd, ELF_C_READ, nil), elf_kind(elf) == ELF_K_ELF else {
            throw .notELF(path: path, reason: "no ELF header")
        }
        defer { elf_end(elf) }
        var sectionNames = 0
        guard elf_getshdrstrndx(elf, &sectionNames) == 0 else { return [] }
        var notes: [UsdtNote] = []
        var baseSection: UInt64?
        var section = elf_nextscn(elf, nil)
        while let current = section {
            defer { section = elf_nextscn(elf, current) }
            var header = GElf_Shdr()
            guard gelf_getshdr(current, &header) != nil,
                let namePointer = elf_strptr(elf, sectionNames, Int(header.sh_name))
            else { continue }
            let name = String(cString: namePointer)
            if name == ".stapsdt.base" { baseSection = header.sh_addr }
            guard name == ".note.stapsdt", header.sh_type == UInt32(SHT_NOTE), let data = elf_getdata(current, nil),
                let bytes = data.pointee.d_buf
            else { continue }
            var offset = 0
            var note = GElf_Nhdr()
            var nameOffset = 0
            var descriptionOffset = 0
            while true {
                let next = gelf_getnote(data, offset, &note, &nameOffset, &descriptionOffset)
                guard next > 0 else { break }
                offset = next
                guard note.n_type == 3, note.n_descsz >= 24 else { continue }
                let noteName = String(cString: bytes.advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
                guard noteName == "stapsdt" else { continue }
                let description = UnsafeRawBufferPointer(
                    start: bytes.advanced(by: descriptionOffset), count: Int(note.n_descsz))
                if let parsed = parse(description) { notes.append(parsed) }
            }
        }
        // Prelinking moves the file's addresses; the note keeps the address `.stapsdt.base`
        // had when it was written, so the difference moves the probe and its semaphore too.
        guard let baseSection else { return notes }
        return notes.map { note in
            var note = note
            let shift = baseSection &- note.baseAtLink
            note.address = note.address &+ shift
            if note.semaphore != 0 { note.semaphore = note.semaphore &+ shift }
            return note
        }
    }

    /// The address of a named symbol of the file, data included (`counter` of a USDT
    /// argument `8@counter(%rip)`), from `.symtab` or `.dynsym`; nil when it has none.
    public static func symbolAddress(_ name: String, in path: String) -> UInt64? {
        guard elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE) else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let elf = elf_begin(fd, ELF_C_READ, nil) else { return nil }
        defer { elf_end(elf) }
        var section = elf_nextscn(elf, nil)
        while let current = section {
            defer { section = elf_nextscn(elf, current) }
            var header = GElf_Shdr()
            guard gelf_getshdr(current, &header) != nil,
                header.sh_type == UInt32(SHT_SYMTAB) || header.sh_type == UInt32(SHT_DYNSYM),
                let data = elf_getdata(current, nil)
            else { continue }
            let entrySize = gelf_fsize(elf, ELF_T_SYM, 1, UInt32(EV_CURRENT))
            guard entrySize > 0 else { continue }
            var symbol = GElf_Sym()
            for index in 0..<(data.pointee.d_size / entrySize) {
                guard gelf_getsym(data, Int32(clamping: index), &symbol) != nil, symbol.st_value != 0,
                    let text = elf_strptr(elf, Int(header.sh_link), Int(symbol.st_name)), strcmp(text, name) == 0
                else { continue }
                return symbol.st_value
            }
        }
        return nil
    }

    /// The base the note was written against, kept between `parse` and the prelink shift.
    private var baseAtLink: UInt64 = 0

    /// A 64-bit note's description: pc, base, semaphore, then provider, name and arguments
    /// as NUL-terminated strings.
    static func parse(_ description: UnsafeRawBufferPointer) -> UsdtNote? {
        func word(_ index: Int) -> UInt64 { description.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) }
        var strings: [String] = []
        var start = 24
        for index in 24..<description.count where description[index] == 0 {
            strings.append(String(decoding: description[start..<index], as: UTF8.self))
            start = index + 1
            if strings.count == 3 { break }
        }
        guard strings.count >= 2 else { return nil }
        var note = UsdtNote(
            provider: strings[0], name: strings[1], address: word(0), semaphore: word(2),
            arguments: strings.count > 2 ? strings[2] : "")
        note.baseAtLink = word(1)
        return note
    }
}
