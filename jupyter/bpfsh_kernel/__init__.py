"""A Jupyter kernel for bpfsh: a wrapper over `bpfsh --serve` (docs/protocol.md)."""
