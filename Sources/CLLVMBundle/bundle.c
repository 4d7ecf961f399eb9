// libbpfsh-llvm.so is LLVM itself (the static archives, linked by Package.swift's
// llvmBundleFlags); this file only gives the target a source to build.
#include "CLLVMBundle.h"

int cllvm_bundle_marker(void) { return 1; }
