/// speedscope's file format (https://www.speedscope.app/file-format-schema.json, specified
/// in speedscope's `src/lib/file-format-spec.ts`): one "sampled" profile whose samples are
/// paths through the shared frames, root first, weighted by their counts. Kernel frames keep
/// their `_[k]` name and have the file `[kernel]`, user frames `[user]`, as the folded output
/// keeps them apart.
public enum SpeedscopeProfile {
    public static let schema = "https://www.speedscope.app/file-format-schema.json"

    public static func encode(_ stacks: ProfileStacks, name: String) -> String {
        var out = "{\"$schema\":" + JSONRenderer.quote(schema)
        out += ",\"shared\":{\"frames\":["
        out += stacks.frames.map { frame -> String in
            var text = "{\"name\":" + JSONRenderer.quote(frame.name)
            switch frame.kind {
            case .kernel: text += ",\"file\":\"[kernel]\""
            case .user: text += ",\"file\":\"[user]\""
            case .process: break
            }
            return text + "}"
        }.joined(separator: ",")
        out += "]},\"profiles\":[{\"type\":\"sampled\",\"name\":" + JSONRenderer.quote(name)
        out += ",\"unit\":\"none\",\"startValue\":0,\"endValue\":\(stacks.totalSamples)"
        out +=
            ",\"samples\":["
            + stacks.samples.map { "[" + $0.stack.map(String.init).joined(separator: ",") + "]" }
            .joined(separator: ",")
        out += "],\"weights\":[" + stacks.samples.map { String($0.count) }.joined(separator: ",") + "]}]"
        out += ",\"name\":" + JSONRenderer.quote(name) + ",\"activeProfileIndex\":0,\"exporter\":\"bpfsh@0.1\"}\n"
        return out
    }
}
