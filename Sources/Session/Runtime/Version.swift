/// bpfsh's version: `--version`, the banner, and the compiled-program cache's key (an entry
/// made by another version is never used).
public enum Version {
    public static let text = "0.1"
}
