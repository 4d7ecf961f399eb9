// swift-tools-version:5.10
import PackageDescription
import Foundation

/// LLVM ships no pkg-config file, so find the newest installed LLVM (Debian's llvm-N-dev
/// layout). Only LLVM-C calls present in LLVM 14 and 19+ are used, so any of these works.
let llvmPrefix: String = {
    for version in (14...21).reversed() {
        let prefix = "/usr/lib/llvm-\(version)"
        if FileManager.default.fileExists(atPath: prefix + "/include/llvm-c/Core.h") {
            return prefix
        }
    }
    return "/usr/lib/llvm-14"
}()
let llvmLibrary = URL(fileURLWithPath: llvmPrefix).lastPathComponent.replacingOccurrences(of: "llvm-", with: "LLVM-")
let llvmInclude: [String] = ["-I", llvmPrefix + "/include"]

/// Output of llvm-config, or nil when it cannot run.
func llvmConfig(_ arguments: [String]) -> [String]? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: llvmPrefix + "/bin/llvm-config")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
}

/// LLVM is linked statically (only the BPF backend and the passes): loading the 110 MB
/// libLLVM shared library costs ~10 ms of symbol binding and ~35 MB of memory at every start,
/// which is most of bpfsh's start-up time. Falls back to the shared library when the static
/// archives are not installed.
let llvmLinkerFlags: [String] = {
    guard let libraries = llvmConfig(["--link-static", "--libs", "bpf", "passes", "object"]),
          let system = llvmConfig(["--link-static", "--system-libs"]),
          FileManager.default.fileExists(atPath: llvmPrefix + "/lib/libLLVMBPFCodeGen.a") else {
        return ["-L", llvmPrefix + "/lib", "-l" + llvmLibrary]
    }
    let linker = { (flag: String) in ["-Xlinker", flag] }
    // The BPF backend uses neither z3 nor libxml2, which LLVM lists among its system libraries;
    // loading them (with ICU and lzma behind libxml2) cost ~1-3 ms and ~80 page faults of every
    // start. The driver moves -Xlinker flags behind every -l and input, so an --as-needed there
    // reaches only libraries given as -Xlinker flags too, in their order: LLVM's system
    // libraries are passed that way (libz3.so, named by path, as -lz3), and the linker drops
    // those nothing refers to.
    let systemLibraries = system.map { word -> String in
        let name = (word as NSString).lastPathComponent
        guard word.hasPrefix("/"), name.hasPrefix("lib"), let dot = name.range(of: ".so") else { return word }
        return "-l" + name.dropFirst(3)[..<dot.lowerBound]
    }
    return ["-L", llvmPrefix + "/lib"] + linker("--start-group") + libraries + linker("--end-group")
        + linker("--as-needed") + (systemLibraries + ["-lstdc++"]).flatMap(linker) + linker("--no-as-needed")
}()

/// Whether bpfsh loads LLVM only when it compiles (Sources/CLLVM/lazy.c): its stubs are
/// x86-64 code, and the shared object that carries LLVM links the static archives.
let lazyLLVM: Bool = {
    #if arch(x86_64)
    return FileManager.default.fileExists(atPath: llvmPrefix + "/lib/libLLVMBPFCodeGen.a")
    #else
    return false
    #endif
}()
let llvmBundleName = "libbpfsh-llvm.so"

/// libbpfsh-llvm.so: LLVM's BPF backend and passes behind one exported table of the LLVM-C
/// functions bpfsh calls (Sources/CLLVMBundle), everything else local (so nothing in it can
/// interpose on bpfsh's stubs of the same names), with the sections nothing reaches dropped.
let packageDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let llvmBundleFlags: [String] = {
    let linker = { (flag: String) in ["-Xlinker", flag] }
    let script = packageDirectory + "/Sources/CLLVMBundle/exports.map"
    return linker("--gc-sections") + linker("-Bsymbolic") + linker("--version-script=" + script)
        + llvmLinkerFlags
}()
/// Release builds link the C and C++ libraries bpfsh uses at every start statically where their
/// archives are installed: loading libstdc++.so (~1,700 symbol bindings and its initialisers),
/// libbpf with libelf and libz, and libedit with libtinfo, libbsd and libmd cost ~3 ms of a
/// start that is otherwise ~8 ms. Swift's static-stdlib link line names `-lstdc++` itself, so
/// the choice is made by the search path: a directory holding links to the archives alone,
/// searched before the system's, makes each `-lNAME` there resolve to its archive. A group is
/// linked statically only when all its archives are there (a static libedit needs the other
/// three); anything missing stays shared, as in a debug build.
let staticLibraries: (directory: String, flags: [String])? = {
    #if arch(x86_64)
    let triple = "x86_64-linux-gnu"
    #elseif arch(arm64)
    let triple = "aarch64-linux-gnu"
    #else
    return nil
    #endif
    let fileManager = FileManager.default
    var archives: [String: String] = [:]  // link name -> archive path
    let gccRoot = "/usr/lib/gcc/" + triple
    let gccVersions = ((try? fileManager.contentsOfDirectory(atPath: gccRoot)) ?? [])
        .compactMap { Int($0) }.sorted(by: >)
    if let version = gccVersions.first, fileManager.fileExists(atPath: "\(gccRoot)/\(version)/libstdc++.a") {
        archives["libstdc++.a"] = "\(gccRoot)/\(version)/libstdc++.a"
    }
    var flags: [String] = []
    for (group, extra) in [(["bpf", "elf", "z"], [String]()), (["edit", "tinfo", "bsd", "md"], ["-ltinfo", "-lbsd", "-lmd"])] {
        let paths = group.map { "/usr/lib/\(triple)/lib\($0).a" }
        guard paths.allSatisfy(fileManager.fileExists(atPath:)) else { continue }
        for (name, path) in zip(group, paths) { archives["lib\(name).a"] = path }
        flags += extra
    }
    guard !archives.isEmpty else { return nil }
    let directory = packageDirectory + "/.build-static-libraries"
    try? fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for (name, target) in archives {
        let link = directory + "/" + name
        if (try? fileManager.destinationOfSymbolicLink(atPath: link)) == target { continue }
        try? fileManager.removeItem(atPath: link)
        guard (try? fileManager.createSymbolicLink(atPath: link, withDestinationPath: target)) != nil else { return nil }
    }
    return (directory, ["-L", directory] + flags)
}()

/// Release code calls each generic type's metadata accessor directly instead of finding the type
/// by its mangled name: resolving a name such as `_SetStorage<String>` looks up the key's
/// `Hashable` conformance by scanning every conformance record of the binary (~6,300, most of
/// them Foundation's), ~0.1 ms each the first time, and a start made six of them (~0.7 ms
/// with the page faults of the first). The cost is ~120 KB of code.
let releaseSwiftSettings: [SwiftSetting] = [
    .unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"], .when(configuration: .release))
]
/// Settings of the targets that import LLVM-C's headers (through CLLVM).
let llvmSwiftSettings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I", "-Xcc", llvmPrefix + "/include"])] + releaseSwiftSettings

let package = Package(
    name: "bpfsh",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "bpfsh", targets: ["bpfsh"]),
        // Built beside bpfsh and loaded by it at the first compile (lazyLLVM).
        .library(name: "bpfsh-llvm", type: .dynamic, targets: ["CLLVMBundle"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // C shims: Swift cannot call variadic functions or function-like macros.
        .target(name: "CBPF", linkerSettings: [.linkedLibrary("bpf"), .linkedLibrary("elf"), .linkedLibrary("z")]),
        .target(name: "CLLVM",
                cSettings: [.unsafeFlags(llvmInclude),
                            .define("CLLVM_LAZY", to: lazyLLVM ? "1" : "0"),
                            .define("CLLVM_LIBRARY_NAME", to: "\"" + llvmBundleName + "\"")],
                linkerSettings: [.unsafeFlags(lazyLLVM ? [] : llvmLinkerFlags)]),
        .target(name: "CLLVMBundle", exclude: ["exports.map"],
                cSettings: [.unsafeFlags(llvmInclude + ["-I", packageDirectory + "/Sources/CLLVM/include"])],
                // LLVM's C++ headers, as llvm-config --cxxflags gives them (LLVM is built
                // without RTTI and exceptions).
                cxxSettings: [.unsafeFlags(llvmInclude + ["-I", packageDirectory + "/Sources/CLLVM/include",
                    "-fno-rtti", "-fno-exceptions", "-D__STDC_CONSTANT_MACROS",
                    "-D__STDC_FORMAT_MACROS", "-D__STDC_LIMIT_MACROS"])],
                linkerSettings: [.unsafeFlags(lazyLLVM ? llvmBundleFlags : [])]),
        .target(name: "CEditLine", linkerSettings: [.linkedLibrary("edit")]),
        .target(name: "CSpawn"),

        // Layers, dependencies pointing down: Language ← Codegen ← Session ← Shell.
        // Plain values shared by every layer: probe targets, the provider table, program and map specs.
        .target(name: "Specs", swiftSettings: releaseSwiftSettings),
        .target(name: "Language", dependencies: ["Specs"], swiftSettings: releaseSwiftSettings),
        .target(name: "Codegen",
                dependencies: ["Language", "CLLVM"],
                swiftSettings: llvmSwiftSettings),
        .target(name: "Kernel", dependencies: ["CBPF", "Specs"], swiftSettings: releaseSwiftSettings),
        .target(name: "Symbols", dependencies: ["CBPF"], swiftSettings: releaseSwiftSettings),
        .target(name: "Tables", dependencies: ["Specs", .product(name: "Collections", package: "swift-collections")],
                swiftSettings: releaseSwiftSettings),
        .target(name: "Session",
                dependencies: ["Language", "Codegen", "Kernel", "Symbols", "Tables", "CSpawn"],
                swiftSettings: llvmSwiftSettings),
        .target(name: "Shell",
                dependencies: ["Session", "Language", "Tables", "CEditLine", "CSpawn"],
                swiftSettings: llvmSwiftSettings),
        // The command line: a quick parser for the common forms, swift-argument-parser for the rest.
        .target(name: "Arguments",
                dependencies: ["Shell", "Session", "Kernel", "Language",
                               .product(name: "ArgumentParser", package: "swift-argument-parser")],
                swiftSettings: llvmSwiftSettings),
        // Not position-independent: a PIE of this size has ~125,000 relative relocations, whose
        // pages the loader dirties at every start (~180 page faults, ~8% of a BEGIN-only run,
        // 5 MB of memory). The cost is ASLR for the executable's own code. Release builds only
        // (scripts/run and bench/run link the Swift runtime statically): against the shared
        // runtime of a debug build the linker warns that function pointers may not compare equal.
        // No exported symbols: Swift's static-stdlib link exports ~13,000 (every public Swift
        // symbol), which only slowed the loader and dladdr (the Swift runtime calls it at start).
        // The C and C++ libraries are linked statically (staticLibraries, above).
        .executableTarget(name: "bpfsh",
                          dependencies: ["Arguments", "Shell", "Session"],
                          swiftSettings: llvmSwiftSettings,
                          linkerSettings: [.unsafeFlags(["-Xlinker", "-no-pie", "-Xlinker", "--no-export-dynamic"]
                                                         + (staticLibraries?.flags ?? []),
                                                         .when(configuration: .release))]),

        // Leaf test helpers any test target may use: the seeded generator and the kernel gate.
        .target(name: "TestRandom", path: "Tests/TestRandom"),
        .target(name: "TestGate", path: "Tests/TestGate"),
        .target(name: "LanguageTestSupport", dependencies: ["Language"], path: "Tests/LanguageTestSupport"),
        .target(name: "TestSupport",
                dependencies: ["Session", "Kernel", "LanguageTestSupport", "TestGate"],
                path: "Tests/TestSupport",
                swiftSettings: llvmSwiftSettings),
        .testTarget(name: "LanguageTests", dependencies: ["Language", "LanguageTestSupport", "TestRandom"]),
        .testTarget(name: "CodegenTests", dependencies: ["Codegen", "Language", "LanguageTestSupport", "TestRandom"],
                    swiftSettings: llvmSwiftSettings),
        .testTarget(name: "KernelTests", dependencies: ["Kernel", "TestSupport", "TestRandom"]),
        .testTarget(name: "SymbolsTests", dependencies: ["Symbols", "TestGate", "TestRandom"]),
        .testTarget(name: "TablesTests", dependencies: ["Tables", "TestRandom", "TestGate"], exclude: ["Golden"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "Session", "Arguments", "TestSupport", "TestRandom"],
                    swiftSettings: llvmSwiftSettings),
        .testTarget(name: "SessionTests", dependencies: ["Session", "TestSupport"],
                    swiftSettings: llvmSwiftSettings),
        .testTarget(name: "RuntimeCorpusTests", dependencies: ["Session", "TestSupport"],
                    resources: [.copy("cases")],
                    swiftSettings: llvmSwiftSettings),
    ],
    // libbpfsh-llvm.so's emit_object.cpp includes LLVM's C++ headers.
    cxxLanguageStandard: .cxx17
)
