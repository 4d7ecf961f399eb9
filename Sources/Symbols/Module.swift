// Module Symbols: sources follow.
