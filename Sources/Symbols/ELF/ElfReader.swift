import CBPF

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What one pass over an ELF file with libelf yields; the raw material of `ElfSymbolTable`.
struct ElfContents {
    var fileType: ElfFileType
    var hasInterpreter: Bool
    /// DT_FLAGS_1 has DF_1_PIE, or (older linkers) an interpreter and no DT_SONAME.
    var isPIEExecutable: Bool
    var segments: [LoadSegment]
    var functions: [ElfFunction]
    /// Data symbols (STT_OBJECT), for `uaddr("name")`.
    var objects: [ElfFunction] = []
    var hasSymtab: Bool
    var buildID: String?
    var debugLink: String?
}

/// Reads ELF files through libelf and turns every failure into a `SymbolError`.
///
/// Files are opened with ELF_C_READ (pread on demand), not ELF_C_READ_MMAP: a library being
/// replaced or truncated while we read it must give an error, not a SIGBUS.
enum ElfReader {
    private static let libelfReady: Bool = elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)

    static func read(path: String) throws(SymbolError) -> ElfContents {
        guard libelfReady else { throw .notELF(path: path, reason: "libelf version mismatch") }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .cannotRead(path: path, errno: errno) }
        defer { close(fd) }
        guard let elf = elf_begin(fd, ELF_C_READ, nil) else {
            throw .notELF(path: path, reason: libelfError())
        }
        defer { elf_end(elf) }
        return try contents(of: elf, path: path)
    }

    /// Parses an ELF image already in memory (the vDSO, test fixtures). The bytes are only
    /// borrowed for the duration of the call.
    static func read(image: UnsafeRawBufferPointer, name: String) throws(SymbolError) -> ElfContents {
        guard libelfReady else { throw .notELF(path: name, reason: "libelf version mismatch") }
        guard let base = image.baseAddress, image.count > 0 else { throw .notELF(path: name, reason: "empty image") }
        guard
            let elf = elf_memory(UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: CChar.self)), image.count)
        else { throw .notELF(path: name, reason: libelfError()) }
        defer { elf_end(elf) }
        return try contents(of: elf, path: name)
    }

    private static func libelfError() -> String {
        guard let message = elf_errmsg(-1) else { return "unknown libelf error" }
        return String(cString: message)
    }

    private static func contents(of elf: OpaquePointer, path: String) throws(SymbolError) -> ElfContents {
        guard elf_kind(elf) == ELF_K_ELF else { throw .notELF(path: path, reason: "no ELF header") }
        var header = GElf_Ehdr()
        guard gelf_getehdr(elf, &header) != nil else { throw .notELF(path: path, reason: libelfError()) }

        let fileType: ElfFileType
        switch Int32(header.e_type) {
        case ET_EXEC: fileType = .executable
        case ET_DYN: fileType = .sharedObject
        case ET_REL: fileType = .relocatable
        case ET_CORE: fileType = .core
        default: fileType = .other(header.e_type)
        }

        var segments: [LoadSegment] = []
        var hasInterpreter = false
        var programHeaderCount = 0
        guard elf_getphdrnum(elf, &programHeaderCount) == 0 else {
            throw .notELF(path: path, reason: "program headers: " + libelfError())
        }
        for index in 0..<programHeaderCount {
            var program = GElf_Phdr()
            guard gelf_getphdr(elf, Int32(clamping: index), &program) != nil else {
                throw .notELF(path: path, reason: "program header \(index): " + libelfError())
            }
            if program.p_type == UInt32(PT_INTERP) { hasInterpreter = true }
            guard program.p_type == UInt32(PT_LOAD) else { continue }
            segments.append(
                LoadSegment(
                    virtualAddress: program.p_vaddr, memorySize: program.p_memsz,
                    fileOffset: program.p_offset, fileSize: program.p_filesz,
                    isExecutable: program.p_flags & 1 /* PF_X */ != 0))
        }

        var sectionNameIndex = 0
        let haveSectionNames = elf_getshdrstrndx(elf, &sectionNameIndex) == 0
        var functions: [ElfFunction] = []
        var objects: [ElfFunction] = []
        var hasSymtab = false
        var buildID: String?
        var debugLink: String?
        var hasPIEFlag = false
        var hasSoname = false

        var section = elf_nextscn(elf, nil)
        while let current = section {
            defer { section = elf_nextscn(elf, current) }
            var sectionHeader = GElf_Shdr()
            guard gelf_getshdr(current, &sectionHeader) != nil else {
                throw .notELF(path: path, reason: "section header: " + libelfError())
            }
            switch Int32(bitPattern: sectionHeader.sh_type) {
            case SHT_SYMTAB, SHT_DYNSYM:
                if Int32(bitPattern: sectionHeader.sh_type) == SHT_SYMTAB { hasSymtab = true }
                try appendFunctions(
                    of: current, header: sectionHeader, elf: elf, path: path, to: &functions, objects: &objects)
            case SHT_DYNAMIC:
                (hasPIEFlag, hasSoname) = readDynamicFlags(current)
            case SHT_NOTE where buildID == nil:
                buildID = readBuildID(current)
            case SHT_PROGBITS where haveSectionNames && debugLink == nil:
                if let name = elf_strptr(elf, sectionNameIndex, Int(sectionHeader.sh_name)),
                    strcmp(name, ".gnu_debuglink") == 0
                {
                    debugLink = readDebugLink(current)
                }
            default:
                break
            }
        }
        let isPIE = fileType == .sharedObject && (hasPIEFlag || (hasInterpreter && !hasSoname))
        return ElfContents(
            fileType: fileType, hasInterpreter: hasInterpreter, isPIEExecutable: isPIE,
            segments: segments,
            functions: functions, objects: objects, hasSymtab: hasSymtab, buildID: buildID, debugLink: debugLink)
    }

    private static func appendFunctions(
        of section: OpaquePointer, header: GElf_Shdr, elf: OpaquePointer,
        path: String, to functions: inout [ElfFunction], objects: inout [ElfFunction]
    ) throws(SymbolError) {
        guard header.sh_type != UInt32(SHT_NOBITS), let data = elf_getdata(section, nil) else {
            // A symbol table whose data cannot be read means a corrupt file, not an empty one.
            if header.sh_size > 0 { throw .notELF(path: path, reason: "symbol table data: " + libelfError()) }
            return
        }
        let entrySize = gelf_fsize(elf, ELF_T_SYM, 1, UInt32(EV_CURRENT))
        guard entrySize > 0 else { return }
        let count = data.pointee.d_size / entrySize
        let stringSection = Int(header.sh_link)
        functions.reserveCapacity(functions.count + count / 2)
        var symbol = GElf_Sym()
        for index in 0..<count {
            guard gelf_getsym(data, Int32(clamping: index), &symbol) != nil else { break }
            let type = Int32(symbol.st_info & 0xF)
            guard type == STT_FUNC || type == STT_GNU_IFUNC || type == STT_OBJECT,
                symbol.st_shndx != UInt16(SHN_UNDEF), symbol.st_value != 0, symbol.st_name != 0,
                let name = elf_strptr(elf, stringSection, Int(symbol.st_name)), name.pointee != 0
            else { continue }
            let binding: ElfFunction.Binding
            switch Int32(symbol.st_info >> 4) {
            case STB_GLOBAL: binding = .global
            case STB_WEAK: binding = .weak
            case STB_LOCAL: binding = .local
            default: binding = .other
            }
            let entry = ElfFunction(
                name: String(cString: name), value: symbol.st_value, size: symbol.st_size,
                binding: binding, isIndirect: type == STT_GNU_IFUNC)
            if type == STT_OBJECT { objects.append(entry) } else { functions.append(entry) }
        }
    }

    /// Whether .dynamic has DF_1_PIE in DT_FLAGS_1, and whether it has a DT_SONAME.
    ///
    /// libc.so.6 has an interpreter too (it runs and prints its version), so PT_INTERP alone
    /// cannot tell a PIE program from a library.
    private static func readDynamicFlags(_ section: OpaquePointer) -> (pie: Bool, soname: Bool) {
        guard let data = elf_getdata(section, nil) else { return (false, false) }
        var pie = false
        var soname = false
        var entry = GElf_Dyn()
        var index: Int32 = 0
        while gelf_getdyn(data, index, &entry) != nil, entry.d_tag != Int64(DT_NULL) {
            if entry.d_tag == Int64(DT_SONAME) { soname = true }
            if entry.d_tag == 0x6fff_fffb /* DT_FLAGS_1 */ && entry.d_un.d_val & 0x0800_0000 /* DF_1_PIE */ != 0 {
                pie = true
            }
            index += 1
        }
        return (pie, soname)
    }

    /// The NT_GNU_BUILD_ID note as lower-case hex, the name of its file under
    /// /usr/lib/debug/.build-id.
    private static func readBuildID(_ section: OpaquePointer) -> String? {
        guard let data = elf_getdata(section, nil), let bytes = data.pointee.d_buf else { return nil }
        var offset = 0
        var note = GElf_Nhdr()
        var nameOffset = 0
        var descriptorOffset = 0
        while offset < data.pointee.d_size {
            let next = gelf_getnote(data, offset, &note, &nameOffset, &descriptorOffset)
            if next == 0 || next <= offset { break }
            offset = next
            guard note.n_type == UInt32(NT_GNU_BUILD_ID), note.n_namesz == 4,
                descriptorOffset + Int(note.n_descsz) <= data.pointee.d_size,
                memcmp(bytes + nameOffset, "GNU", 4) == 0
            else { continue }
            let descriptor = UnsafeRawBufferPointer(start: bytes + descriptorOffset, count: Int(note.n_descsz))
            return descriptor.map { byte in
                let digits = String(byte, radix: 16)
                return byte < 16 ? "0" + digits : digits
            }.joined()
        }
        return nil
    }

    /// The file name in .gnu_debuglink (NUL-terminated, followed by a CRC we do not check:
    /// the build ID, when present, already ties the debug file to this build).
    private static func readDebugLink(_ section: OpaquePointer) -> String? {
        guard let data = elf_getdata(section, nil), let bytes = data.pointee.d_buf, data.pointee.d_size > 0 else {
            return nil
        }
        let raw = UnsafeRawBufferPointer(start: bytes, count: data.pointee.d_size)
        guard let end = raw.firstIndex(of: 0), end > 0 else { return nil }
        let name = String(decoding: raw[0..<end], as: UTF8.self)
        return name.contains("/") ? nil : name
    }
}
