/// The result of `bpftrace -l`-style listing: probe lines, optional argument lines, and
/// warnings for sources that could not be read.
public struct ProbeListing: Sendable, Hashable {
    /// One matched probe and, in verbose listings, its argument declarations.
    public struct Entry: Sendable, Hashable {
        /// `tracepoint:sched:sched_switch`, `software:cpu-clock:`, ...
        public var probe: String
        /// `char prev_comm[16]`, ... (empty unless verbose).
        public var arguments: [String]
    }

    public var entries: [Entry]
    /// Sources that were skipped, e.g. an unreadable `available_filter_functions`.
    public var warnings: [String]

    /// The probe lines alone.
    public var lines: [String] { entries.map(\.probe) }

    /// The listing exactly as `bpftrace -l` / `-lv` prints it (arguments indented by four
    /// spaces), without the warnings.
    public var text: String {
        var out = ""
        for entry in entries {
            out += entry.probe + "\n"
            for argument in entry.arguments { out += "    " + argument + "\n" }
        }
        return out
    }
}

extension ProbeCatalogue {
    /// Probe types the catalogue can list, with bpftrace's short aliases.
    public enum ListedProvider: String, Sendable, CaseIterable {
        case hardware, kprobe, rawtracepoint, software, tracepoint

        public var aliases: [String] {
            switch self {
            case .hardware: return ["h"]
            case .kprobe: return ["k"]
            case .rawtracepoint: return ["rt"]
            case .software: return ["s"]
            case .tracepoint: return ["t"]
            }
        }

        /// Providers that exist in bpftrace but whose listing needs another layer (a binary
        /// to read symbols from, a process); named so the warning can say so.
        static let elsewhere: Set<String> = [
            "uprobe", "u", "uretprobe", "ur", "usdt", "U", "kretprobe", "kr",
            "fentry", "f", "fexit", "fr", "kfunc", "kretfunc", "profile", "p",
            "interval", "i", "iter", "it", "BEGIN", "END", "begin", "end",
            "watchpoint", "w", "asyncwatchpoint", "aw", "tp_btf",
        ]
    }

    /// Lists probes matching a bpftrace `-l` pattern, as bpftrace prints them.
    ///
    /// `PROVIDER:REST` selects providers by name, alias or glob (`t:sched:*`, `*:*sleep*`);
    /// a pattern without `:` matches every provider, against the whole probe name or its last
    /// part (`sched_switch`, `*sleep*`). Software and hardware events print with a trailing
    /// colon (`software:cpu-clock:`), raw tracepoints as `rawtracepoint:vmlinux:NAME`, both
    /// as current bpftrace does. With `verbose`, tracepoints list their non-common fields and
    /// raw tracepoints their BTF arguments (`bpftrace -lv`). kprobe functions are listed only
    /// when the kernel has kprobes.
    public func list(matching pattern: String = "*", verbose: Bool = false) -> ProbeListing {
        var warnings: [String] = []
        let providerPattern: Substring
        let rest: Substring
        let bare: Bool
        if let colon = pattern.firstIndex(of: ":") {
            providerPattern = pattern[..<colon]
            rest = pattern[pattern.index(after: colon)...]
            bare = false
        } else {
            providerPattern = "*"
            rest = Substring(pattern)
            bare = true
        }

        let providerGlob = ProbeGlob(String(providerPattern))
        let providers = ListedProvider.allCases.filter { provider in
            providerGlob.matches(provider.rawValue)
                || (!providerGlob.hasWildcards && provider.aliases.contains(String(providerPattern)))
        }
        if providers.isEmpty {
            let name = String(providerPattern)
            warnings.append(
                ListedProvider.elsewhere.contains(name)
                    ? "listing \(name) probes is not supported by the kernel catalogue"
                    : "unknown probe type '\(name)'")
            return ProbeListing(entries: [], warnings: warnings)
        }
        let explicit = !providerGlob.hasWildcards
        let restGlob = ProbeGlob(rest.isEmpty ? "*" : String(rest))

        var entries: [ProbeListing.Entry] = []
        for provider in providers {
            // Arguments are computed only for lines that survive matching, and only when verbose.
            var lines: [(probe: String, arguments: () -> [String])] = []
            switch provider {
            case .tracepoint:
                do throws(CatalogueError) {
                    for name in try tracepoints() {
                        let full = name.description
                        let matched = restGlob.matches(full) || (bare && restGlob.matches(name.event))
                        if matched {
                            lines.append(
                                (
                                    "tracepoint:" + full,
                                    { [self] in
                                        verbose
                                            ? ((try? format(category: name.category, event: name.event))?.fields.map(
                                                \.declaration) ?? []) : []
                                    }
                                ))
                        }
                    }
                } catch {
                    warnings.append("tracepoints: \(error)")
                }
            case .rawtracepoint:
                do throws(CatalogueError) {
                    let restText = String(rest)
                    for name in try rawTracepoints() {
                        let qualified = "vmlinux:" + name
                        let matched =
                            restText.contains(":") || bare
                            ? restGlob.matches(qualified) || (bare && restGlob.matches(name))
                            : restGlob.matches(name)
                        if matched {
                            lines.append(
                                (
                                    "rawtracepoint:" + qualified,
                                    { [self] in
                                        verbose ? ((try? rawTracepointArguments(name))?.map(\.declaration) ?? []) : []
                                    }
                                ))
                        }
                    }
                } catch {
                    warnings.append("raw tracepoints: \(error)")
                }
            case .software, .hardware:
                var eventPattern = rest
                // `software:cpu-clock:` and `software:cpu-clock:1000` name the same event.
                if !bare, let colon = eventPattern.firstIndex(of: ":") { eventPattern = eventPattern[..<colon] }
                let eventGlob = ProbeGlob(eventPattern.isEmpty ? "*" : String(eventPattern))
                let table = provider == .software ? PerfEventCatalogue.software : PerfEventCatalogue.hardware
                for event in table {
                    for name in [event.name] + (event.alias.map { [$0] } ?? []) where eventGlob.matches(name) {
                        lines.append(("\(provider.rawValue):\(name):", { [] }))
                    }
                }
            case .kprobe:
                if kprobeUnavailableReason() != nil {
                    if explicit { warnings.append("kprobes are not available on this kernel; see `features`") }
                    continue
                }
                do throws(CatalogueError) {
                    for function in try kprobeFunctions() where restGlob.matches(function) {
                        lines.append(("kprobe:" + function, { [] }))
                    }
                } catch {
                    warnings.append("kprobes: \(error)")
                }
            }
            // bpftrace prints a std::set: byte order (String's order for these ASCII names).
            lines.sort { $0.probe < $1.probe }
            for item in lines {
                entries.append(ProbeListing.Entry(probe: item.probe, arguments: item.arguments()))
            }
        }
        return ProbeListing(entries: entries, warnings: warnings)
    }
}
