#ifndef EXSIM_CPREFETCH_SHIM_H
#define EXSIM_CPREFETCH_SHIM_H

// Asks the processor to start bringing the cache line at `address` towards
// its caches, and goes on: unlike a load, nothing waits for the line. Swift
// has no spelling of it; imported, this inlines into the caller as the
// processor's prefetch instruction. A hint only: it never faults and
// changes no value.
static inline void exsim_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
