#ifndef CLLVM_BUNDLE_H
#define CLLVM_BUNDLE_H
int cllvm_bundle_marker(void);
#endif
