import Foundation

/// Where per-user files go. `$HOME` first: on Linux Foundation's `NSHomeDirectory()` reads the
/// password database, so a learner who sets `HOME` would otherwise still write into root's.
enum UserDirectories {
    static func home(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        return NSHomeDirectory()
    }

    /// `$XDG_STATE_HOME`, or `$HOME/.local/state`.
    static func state(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state }
        return home(environment: environment) + "/.local/state"
    }
}
