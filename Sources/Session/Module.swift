// Module Session: sources follow.
