import CLLVM

/// One program's section: its instructions and where each of its functions starts.
struct EmittedSection {
    var bytes: [UInt8]
    /// Instruction indexes of the functions in the section, the program's own first (0).
    var functionStarts: [Int] = [0]

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Turns each `ld_imm64` of a function address in this section (an `R_BPF_64_64`
    /// relocation, addend in the immediate) into the kernel's `BPF_PSEUDO_FUNC` form: source
    /// register 4 and the target's distance in instructions. Any other relocation means
    /// something escaped into global data, which the loader cannot place.
    mutating func resolveFunctionReferences(
        binary: LLVMBinaryRef, relocations section: LLVMSectionIteratorRef, name: String
    ) throws {
        guard let relocations = LLVMGetRelocations(section) else { return }
        defer { LLVMDisposeRelocationIterator(relocations) }
        guard let containing = LLVMObjectFileCopySectionIterator(binary) else { return }
        defer { LLVMDisposeSectionIterator(containing) }
        var starts: Set<Int> = [0]
        while LLVMIsRelocationIteratorAtEnd(section, relocations) == 0 {
            defer { LLVMMoveToNextRelocation(relocations) }
            let offset = Int(LLVMGetRelocationOffset(relocations))
            let symbol = LLVMGetRelocationSymbol(relocations)!
            defer { LLVMDisposeSymbolIterator(symbol) }
            LLVMMoveToContainingSection(containing, symbol)
            let sameSection = LLVMGetSectionName(containing).map { String(cString: $0) } == name
            guard LLVMGetRelocationType(relocations) == 1, sameSection, offset % 8 == 0, offset + 16 <= bytes.count,
                bytes[offset] == 0x18
            else {
                throw Failure(description: "internal error: section \(name) has a relocation the loader cannot apply")
            }
            let addend = Int(Int32(bitPattern: word32(at: offset + 4)))
            let target = (Int(LLVMGetSymbolAddress(symbol)) + addend) / 8
            let index = offset / 8
            bytes[offset + 1] = (bytes[offset + 1] & 0x0F) | (4 << 4)  // src_reg = BPF_PSEUDO_FUNC
            setWord32(UInt32(bitPattern: Int32(target - index - 1)), at: offset + 4)
            setWord32(0, at: offset + 12)
            starts.insert(target)
        }
        functionStarts = starts.sorted()
    }

    private func word32(at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }

    private mutating func setWord32(_ value: UInt32, at offset: Int) {
        for i in 0..<4 { bytes[offset + i] = UInt8((value >> (8 * UInt32(i))) & 0xFF) }
    }
}
