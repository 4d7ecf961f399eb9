// Probe targets and the provider table live in the leaf `Specs` module so the kernel layer can
// read them too; to the language's users they are part of the language.
@_exported import Specs
