/// A map read, printed, deleted from or cleared, which some probe must assign.
struct MapUse {
    var map: String
    var message: String
    var range: SourceRange
}

/// Pass 3: every map used is assigned somewhere, in this program or by an earlier probe of
/// the session. Decided once typing has seen all the program's assignments.
enum CheckMaps {
    static func run(uses: [MapUse], maps: [String: MapInfo]) -> [Diagnostic] {
        uses.filter { maps[$0.map] == nil }.map { Diagnostic($0.message, at: $0.range) }
    }
}
