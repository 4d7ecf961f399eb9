#ifndef CLLVM_BUNDLE_H
#define CLLVM_BUNDLE_H
/// The LLVM-C functions of llvm_functions.def, in its order; `count` is their number.
void *const *cllvm_bundle_functions(unsigned long *count);
#endif
