// Module Shell: sources follow.
