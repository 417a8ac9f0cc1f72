/*
 * The few kernel entry points that host code may call (STYLE.md rule 5). Host code never
 * calls other kernel functions: it returns to the kernel instead.
 */
#ifndef UM_KERN_UTIL_H
#define UM_KERN_UTIL_H

/* Boot the kernel with the process's command line; returns the exit status of umlite. */
int start_kernel(int argc, char **argv);

/*
 * A fatal host signal hit kernel code (a kernel bug). Called from the host signal
 * handler on the alternate stack; prints what it can and never returns.
 */
void kernel_crash(int signo, void *addr) __attribute__((noreturn));

#endif
