import TestGate
import XCTest

@testable import Symbols

final class LibraryResolverTests: XCTestCase {
    private func sameFile(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(realPath(a), realPath(b), "\(a) and \(b) are different files", file: file, line: line)
    }

    func testLibcByShortNameSonameAndBcCStyle() throws {
        let libc = try XCTUnwrap(mappedLibcPath())
        let resolver = LibraryResolver()
        sameFile(try resolver.resolve("libc"), libc)
        sameFile(try resolver.resolve("libc.so.6"), libc)
        sameFile(try resolver.resolve("c"), libc)
        XCTAssertTrue(try resolver.resolve("libpthread").contains("libpthread.so"))
    }

    func testLdSoCacheIsReadDirectly() throws {
        let cache = LdSoCache.read()
        try KernelTestGate.require(!cache.entries.isEmpty, "no readable glibc 2.32+ /etc/ld.so.cache")
        let libc = try XCTUnwrap(cache.entries.first { $0.name == "libc.so.6" })
        sameFile(libc.path, try XCTUnwrap(mappedLibcPath()))
    }

    func testStandardDirectoriesWhenCacheIsEmpty() throws {
        let resolver = LibraryResolver(ldCache: LdSoCache(entries: []))
        sameFile(try resolver.resolve("libc"), try XCTUnwrap(mappedLibcPath()))
    }

    func testProgramOnPath() throws {
        let resolver = LibraryResolver(searchPath: "/nonexistent:/usr/bin:/bin")
        sameFile(try resolver.resolve("bash"), "/bin/bash")
        let onlyPath = LibraryResolver(
            searchPath: "/nonexistent", libraryDirectories: [], ldCache: LdSoCache(entries: []))
        XCTAssertThrowsError(try onlyPath.resolve("bash")) { error in
            guard case .targetNotFound(let name, let searched)? = error as? SymbolError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(name, "bash")
            XCTAssertEqual(searched, ["PATH", "/etc/ld.so.cache"])
        }
    }

    func testAbsolutePaths() throws {
        let resolver = LibraryResolver()
        XCTAssertEqual(try resolver.resolve("/bin/bash"), "/bin/bash")
        XCTAssertThrowsError(try resolver.resolve("/nonexistent/bash")) { error in
            guard case .cannotRead(let path, _)? = error as? SymbolError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/bash")
        }
        XCTAssertThrowsError(try resolver.resolve("/etc/passwd")) { error in
            guard case .notELF? = error as? SymbolError else { return XCTFail("\(error)") }
        }
        let libc = try XCTUnwrap(mappedLibcPath())
        let slash = try XCTUnwrap(libc.lastIndex(of: "/"))
        let directory = String(libc[..<slash])
        let all = try resolver.resolveAll(directory + "/libc.so.*")
        XCTAssertTrue(all.contains(libc))
    }

    func testUnknownNameSaysWhereItLooked() {
        XCTAssertThrowsError(try LibraryResolver().resolve("libdefinitely_not_here")) { error in
            guard case .targetNotFound(let name, let searched)? = error as? SymbolError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(name, "libdefinitely_not_here")
            XCTAssertTrue(searched.contains("/etc/ld.so.cache"))
            XCTAssertTrue(searched.contains("PATH"))
        }
    }

    func testWithinProcessMappings() throws {
        let libc = try XCTUnwrap(mappedLibcPath())
        let resolver = LibraryResolver(
            searchPath: "/nonexistent", libraryDirectories: [], ldCache: LdSoCache(entries: []))
        sameFile(try resolver.resolve("libc", pid: getpid()), libc)
        sameFile(try resolver.resolve(libc, pid: getpid()), libc)
    }

    func testLibraryNameMatching() {
        XCTAssertTrue(LibraryResolver.libraryName("libc.so.6", matches: "libc"))
        XCTAssertTrue(LibraryResolver.libraryName("libc.so.6", matches: "c"))
        XCTAssertTrue(LibraryResolver.libraryName("libc.so.6", matches: "libc.so.6"))
        XCTAssertTrue(LibraryResolver.libraryName("libc.so.6", matches: "libc.so"))
        XCTAssertFalse(LibraryResolver.libraryName("libcap.so.2", matches: "libc"))
        XCTAssertFalse(LibraryResolver.libraryName("libc.so.6", matches: "libc.so.7"))
        XCTAssertTrue(LibraryResolver.libraryName("libpthread.so.0", matches: "libpthread"))
    }
}
