/*
 * The few kernel entry points that host code may call (STYLE.md rule 5). Host code never
 * calls other kernel functions: it returns to the kernel instead.
 */
#ifndef UM_KERN_UTIL_H
#define UM_KERN_UTIL_H

/* Boot the kernel with the process's command line; returns the exit status of umlite. */
int start_kernel(int argc, char **argv);

/* Exit status of umlite after a kernel panic (README: "Kernel bugs"). */
#define UMLITE_EXIT_PANIC 125

/*
 * A fatal host signal hit kernel code (a kernel bug): signo at fault address addr, by the
 * instruction at ip. Called from the host signal handler on the alternate stack; the
 * panic path, which never returns.
 */
void kernel_crash(int signo, void *addr, void *ip) __attribute__((noreturn));

#endif
