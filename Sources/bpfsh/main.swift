print("bpfsh")
