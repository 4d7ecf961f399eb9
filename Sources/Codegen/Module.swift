// Module Codegen: sources follow.
