// Module Kernel: sources follow.
