// Kernel features, program and map specs are plain values of the leaf `Specs` module, shared
// with the language layers; users of `Kernel` see them as part of it.
@_exported import Specs
