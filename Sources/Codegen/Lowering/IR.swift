import CLLVM

/// Thin conveniences over the LLVM-C builder, limited to calls present in LLVM 14 and 19+.
/// Pointers are always `i8*` (with typed pointers) or `ptr` (opaque): bitcasts are no-ops
/// with opaque pointers, so one code path serves both.
final class IR {
    let context: LLVMContextRef
    let module: LLVMModuleRef
    let builder: LLVMBuilderRef
    let i1: LLVMTypeRef, i8: LLVMTypeRef, i16: LLVMTypeRef, i32: LLVMTypeRef, i64: LLVMTypeRef
    let bytePointer: LLVMTypeRef
    private var pseudo: LLVMValueRef?
    private var passthrough: LLVMValueRef?
    private var passthroughs: UInt64 = 0

    init(moduleName: String) {
        context = LLVMContextCreate()
        module = LLVMModuleCreateWithNameInContext(moduleName, context)
        builder = LLVMCreateBuilderInContext(context)
        i1 = LLVMInt1TypeInContext(context)
        i8 = LLVMInt8TypeInContext(context)
        i16 = LLVMInt16TypeInContext(context)
        i32 = LLVMInt32TypeInContext(context)
        i64 = LLVMInt64TypeInContext(context)
        bytePointer = LLVMPointerType(i8, 0)
    }

    deinit {
        LLVMDisposeBuilder(builder)
        LLVMDisposeModule(module)
        LLVMContextDispose(context)
    }

    func intType(bytes: Int) -> LLVMTypeRef {
        switch bytes {
        case 1: return i8
        case 2: return i16
        case 4: return i32
        default: return i64
        }
    }

    func const64(_ value: UInt64) -> LLVMValueRef { LLVMConstInt(i64, value, 0) }
    func const64(_ value: Int) -> LLVMValueRef { LLVMConstInt(i64, UInt64(bitPattern: Int64(value)), 1) }
    func const64(_ value: Int64) -> LLVMValueRef { LLVMConstInt(i64, UInt64(bitPattern: value), 1) }

    /// `i8*` to `offset` bytes past `base`.
    func offset(_ base: LLVMValueRef, _ offset: Int) -> LLVMValueRef {
        let start = cast(base, to: bytePointer)
        if offset == 0 { return start }
        var index: [LLVMValueRef?] = [const64(offset)]
        return LLVMBuildInBoundsGEP2(builder, i8, start, &index, 1, "")
    }

    func cast(_ pointer: LLVMValueRef, to type: LLVMTypeRef) -> LLVMValueRef {
        LLVMBuildBitCast(builder, pointer, type, "")
    }

    func load(_ type: LLVMTypeRef, from pointer: LLVMValueRef, alignment: UInt32) -> LLVMValueRef {
        let typed = cast(pointer, to: LLVMPointerType(type, 0))
        let value = LLVMBuildLoad2(builder, type, typed, "")!
        LLVMSetAlignment(value, alignment)
        return value
    }

    @discardableResult
    func store(_ value: LLVMValueRef, to pointer: LLVMValueRef, alignment: UInt32) -> LLVMValueRef {
        let typed = cast(pointer, to: LLVMPointerType(LLVMTypeOf(value), 0))
        let instruction = LLVMBuildStore(builder, value, typed)!
        LLVMSetAlignment(instruction, alignment)
        return instruction
    }

    /// Loads an integer of `bytes` width and extends it to i64.
    func loadInteger(bytes: Int, signed: Bool, from pointer: LLVMValueRef) -> LLVMValueRef {
        let type = intType(bytes: bytes)
        let value = load(type, from: pointer, alignment: UInt32(min(bytes, 8)))
        return extend(value, signed: signed)
    }

    func extend(_ value: LLVMValueRef, signed: Bool) -> LLVMValueRef {
        if LLVMTypeOf(value) == i64 { return value }
        return signed ? LLVMBuildSExt(builder, value, i64, "") : LLVMBuildZExt(builder, value, i64, "")
    }

    /// Truncates and re-extends an i64 to the declared width of a type.
    func fit(_ value: LLVMValueRef, bytes: Int, signed: Bool) -> LLVMValueRef {
        if bytes >= 8 { return value }
        let narrow = LLVMBuildTrunc(builder, value, intType(bytes: bytes), "")!
        return extend(narrow, signed: signed)
    }

    func boolToI64(_ value: LLVMValueRef) -> LLVMValueRef { LLVMBuildZExt(builder, value, i64, "") }

    func isNonZero(_ value: LLVMValueRef) -> LLVMValueRef {
        let type = LLVMTypeOf(value)
        if type == i1 { return value }
        if LLVMGetTypeKind(type) == LLVMPointerTypeKind {
            return LLVMBuildIsNotNull(builder, value, "")
        }
        return LLVMBuildICmp(builder, LLVMIntNE, value, LLVMConstInt(type, 0, 0), "")
    }

    /// Zeroes `size` bytes. The BPF backend only inlines small memsets (a call to memset
    /// does not exist in BPF), so large ones are written as 8-byte stores.
    func memset(_ pointer: LLVMValueRef, size: Int) {
        guard size > 0 else { return }
        if size <= 128 {
            _ = LLVMBuildMemSet(builder, cast(pointer, to: bytePointer), LLVMConstInt(i8, 0, 0), const64(size), 8)
            return
        }
        for chunk in stride(from: 0, to: size / 8 * 8, by: 8) {
            let zero = store(const64(UInt64(0)), to: offset(pointer, chunk), alignment: 8)
            // LLVM merges a run of stores back into one memset, which the BPF backend only
            // expands up to 1 KiB (beyond, "a call to built-in function 'memset' is not
            // supported"): volatile stores stay stores.
            if size > Self.largestExpandedCopy { LLVMSetVolatile(zero, 1) }
        }
        for index in size / 8 * 8..<size {
            store(LLVMConstInt(i8, 0, 0), to: offset(pointer, index), alignment: 1)
        }
    }

    /// The largest memset or memcpy the BPF backend expands into loads and stores.
    static let largestExpandedCopy = 1024

    func memcpy(_ destination: LLVMValueRef, _ source: LLVMValueRef, size: Int, alignment: UInt32 = 1) {
        guard size > 0 else { return }
        // In pieces the BPF backend expands (see `memset`).
        for start in stride(from: 0, to: size, by: Self.largestExpandedCopy) {
            let length = min(Self.largestExpandedCopy, size - start)
            _ = LLVMBuildMemCpy(
                builder, cast(offset(destination, start), to: bytePointer), alignment,
                cast(offset(source, start), to: bytePointer), alignment, const64(length))
        }
    }

    /// Calls BPF helper `id` (`call inttoptr(id)`), returning its i64 result.
    @discardableResult
    func helper(_ id: BPFHelper, _ arguments: [LLVMValueRef]) -> LLVMValueRef {
        var argumentTypes: [LLVMTypeRef?] = arguments.map { LLVMTypeOf($0) }
        let functionType = argumentTypes.withUnsafeMutableBufferPointer {
            LLVMFunctionType(i64, $0.baseAddress, UInt32($0.count), 0)!
        }
        let callee = LLVMConstIntToPtr(const64(UInt64(id.rawValue)), LLVMPointerType(functionType, 0))
        var args: [LLVMValueRef?] = arguments
        return args.withUnsafeMutableBufferPointer {
            LLVMBuildCall2(builder, functionType, callee, $0.baseAddress, UInt32($0.count), "")!
        }
    }

    /// A map reference: `llvm.bpf.pseudo(BPF_PSEUDO_MAP_FD, id)`, one `ld_imm64` whose
    /// immediate the loader replaces with the map's fd.
    func mapPointer(id: Int32) -> LLVMValueRef {
        LLVMBuildIntToPtr(builder, pseudo(kind: BPFPseudo.mapFD, immediate: UInt64(id)), bytePointer, "")
    }

    /// The address of byte `offset` of an array map's slot 0: `BPF_PSEUDO_MAP_VALUE`, the map's
    /// id (replaced by its fd at load) in the first slot, the offset in the second.
    func mapValuePointer(id: Int32, offset: Int) -> LLVMValueRef {
        let immediate = UInt64(UInt32(bitPattern: id)) | UInt64(offset) << 32
        return LLVMBuildIntToPtr(builder, pseudo(kind: BPFPseudo.mapValue, immediate: immediate), bytePointer, "")
    }

    /// `llvm.bpf.pseudo(kind, immediate)`: one `ld_imm64` with `src_reg = kind`, the low 32
    /// bits of `immediate` in its first slot and the high 32 in its second.
    func pseudo(kind: Int, immediate: UInt64) -> LLVMValueRef {
        var parameters: [LLVMTypeRef?] = [i64, i64]
        let type = parameters.withUnsafeMutableBufferPointer { LLVMFunctionType(i64, $0.baseAddress, 2, 0)! }
        if pseudo == nil {
            pseudo = LLVMAddFunction(module, "llvm.bpf.pseudo", type)
        }
        var args: [LLVMValueRef?] = [const64(UInt64(kind)), const64(immediate)]
        return LLVMBuildCall2(builder, type, pseudo, &args, 2, "")!
    }

    /// `value` as LLVM may not see through (`llvm.bpf.passthrough`), so it keeps the
    /// computation written here rather than an equivalent that is longer in BPF: without it,
    /// `pid_tgid >> 32 == pid` became a 64-bit mask and a 64-bit constant (6 instructions for 3).
    func opaque(_ value: LLVMValueRef) -> LLVMValueRef {
        var parameters: [LLVMTypeRef?] = [i32, i64]
        let type = parameters.withUnsafeMutableBufferPointer { LLVMFunctionType(i64, $0.baseAddress, 2, 0)! }
        if passthrough == nil {
            passthrough = LLVMAddFunction(module, "llvm.bpf.passthrough.i64.i64", type)
        }
        passthroughs += 1
        var args: [LLVMValueRef?] = [LLVMConstInt(i32, passthroughs, 0), value]
        return LLVMBuildCall2(builder, type, passthrough, &args, 2, "")!
    }

    var currentFunction: LLVMValueRef { LLVMGetBasicBlockParent(LLVMGetInsertBlock(builder)) }

    func block(_ name: String) -> LLVMBasicBlockRef {
        LLVMAppendBasicBlockInContext(context, currentFunction, name)
    }

    func position(at block: LLVMBasicBlockRef) { LLVMPositionBuilderAtEnd(builder, block) }

    /// Whether the current block already ends in a branch or return.
    var isTerminated: Bool {
        guard let block = LLVMGetInsertBlock(builder) else { return true }
        return LLVMGetBasicBlockTerminator(block) != nil
    }

    func branch(to block: LLVMBasicBlockRef) {
        if !isTerminated { LLVMBuildBr(builder, block) }
    }

    func printModule() -> String {
        guard let text = LLVMPrintModuleToString(module) else { return "" }
        defer { LLVMDisposeMessage(text) }
        return String(cString: text)
    }
}

/// BPF helper function ids (`enum bpf_func_id`).
enum BPFHelper: Int32 {
    case mapLookup = 1, mapUpdate = 2, mapDelete = 3, probeRead = 4, ktimeGetNs = 5
    case getPrandomU32 = 7, getSmpProcessorID = 8, getCurrentPidTgid = 14, getCurrentUidGid = 15
    case numaNodeID = 42, getFuncIP = 173, probeWriteUser = 36
    case getCurrentComm = 16, getStackID = 27, getCurrentTask = 35, probeReadStr = 45
    case getCurrentCgroupID = 80, probeReadUser = 112, probeReadKernel = 113
    case getSocketCookie = 46, sendSignal = 109, sendSignalThread = 117, probeReadUserStr = 114, probeReadKernelStr = 115, jiffies64 = 118, ringbufOutput = 130
    case forEachMapElem = 164, loop = 181, mapLookupPercpuElem = 195
    case ktimeGetBootNs = 125, ktimeGetTaiNs = 208
    case perCPUPointer = 153, thisCPUPointer = 154
}

/// `src_reg` values of an `ld_imm64` that the kernel resolves (include/uapi/linux/bpf.h).
enum BPFPseudo {
    /// The immediate is a map's fd (bpfsh writes a map id the loader replaces).
    static let mapFD = 1
    /// The immediate is a map's fd (an id, as for `mapFD`), the second slot's an offset into
    /// the value of its slot 0; the register becomes that address.
    static let mapValue = 2
    /// The immediate is the BTF id of a kernel VAR (second slot: the BTF object's fd, 0 for
    /// vmlinux); the register becomes the variable's address, per-CPU for per-CPU ones.
    static let btfID = 3
}
