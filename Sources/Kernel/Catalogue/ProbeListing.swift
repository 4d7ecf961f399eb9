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
    /// bpftrace's probe types that bpfsh has no provider for, named so the warning can say
    /// they exist rather than calling them unknown.
    static let bpftraceOnlyProviders: Set<String> = ["iter", "it", "watchpoint", "w", "asyncwatchpoint", "aw"]

    /// Lists probes matching a bpftrace `-l` pattern, as bpftrace prints them.
    ///
    /// `PROVIDER:REST` selects providers by name, alias or glob (`t:sched:*`, `*:*sleep*`);
    /// a pattern without `:` matches every provider, against the whole probe name or its last
    /// part (`sched_switch`, `*sleep*`). Software and hardware events print with a trailing
    /// colon (`software:cpu-clock:`), raw tracepoints as `rawtracepoint:vmlinux:NAME`, both
    /// as current bpftrace does. With `verbose`, tracepoints list their non-common fields and
    /// raw tracepoints their BTF arguments (`bpftrace -lv`). kprobe functions are listed only
    /// when the kernel has kprobes.
    ///
    /// Which providers are listed, and from what, is each row's `listing` in `providers`.
    public func list(
        matching pattern: String = "*", verbose: Bool = false, providers table: ProviderTable = .builtin
    ) -> ProbeListing {
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
        // bpftrace prints one sorted set; providers in name order keep that order.
        let listable = table.descriptors.filter { $0.listing != .notListed }.sorted {
            $0.kind.rawValue < $1.kind.rawValue
        }
        let providers = listable.filter { provider in
            providerGlob.matches(provider.kind.rawValue)
                || (!providerGlob.hasWildcards && provider.aliases.contains(String(providerPattern)))
        }
        if providers.isEmpty {
            let name = String(providerPattern)
            let known = table.descriptor(named: name) != nil || Self.bpftraceOnlyProviders.contains(name)
            warnings.append(
                known
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
            let providerName = provider.kind.rawValue
            switch provider.listing {
            case .tracepoints:
                do throws(CatalogueError) {
                    for name in try tracepoints() {
                        let full = name.description
                        let matched = restGlob.matches(full) || (bare && restGlob.matches(name.event))
                        if matched {
                            lines.append(
                                (
                                    providerName + ":" + full,
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
            case .rawTracepoints:
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
                                    providerName + ":" + qualified,
                                    { [self] in
                                        verbose ? ((try? rawTracepointArguments(name))?.map(\.declaration) ?? []) : []
                                    }
                                ))
                        }
                    }
                } catch {
                    warnings.append("raw tracepoints: \(error)")
                }
            case .softwareEvents, .hardwareEvents:
                var eventPattern = rest
                // `software:cpu-clock:` and `software:cpu-clock:1000` name the same event.
                if !bare, let colon = eventPattern.firstIndex(of: ":") { eventPattern = eventPattern[..<colon] }
                let eventGlob = ProbeGlob(eventPattern.isEmpty ? "*" : String(eventPattern))
                let events =
                    provider.listing == .softwareEvents ? PerfEventCatalogue.software : PerfEventCatalogue.hardware
                for event in events {
                    for eventName in [event.name] + (event.alias.map { [$0] } ?? []) where eventGlob.matches(eventName)
                    {
                        lines.append(("\(providerName):\(eventName):", { [] }))
                    }
                }
            case .kernelFunctions:
                if kprobeUnavailableReason() != nil {
                    if explicit { warnings.append("kprobes are not available on this kernel; see `features`") }
                    continue
                }
                do throws(CatalogueError) {
                    for function in try kprobeFunctions() where restGlob.matches(function) {
                        lines.append((providerName + ":" + function, { [] }))
                    }
                } catch {
                    warnings.append("kprobes: \(error)")
                }
            case .notListed:
                continue
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
