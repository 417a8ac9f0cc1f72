/*
 * Futexes (kernel/futex.c): the waits and wakes behind guest mutexes, condition variables
 * and pthread_join, and the thread-exit duties that go with them (the tid word of
 * set_tid_address / CLONE_CHILD_CLEARTID, the robust list of set_robust_list).
 */
#ifndef FUTEX_H
#define FUTEX_H

#include "kernel.h"

struct task;

/*
 * Wake at most n waiters of the futex word at uaddr in current's address space, as a
 * FUTEX_WAKE without FUTEX_PRIVATE_FLAG would. Returns the number woken (or -errno).
 */
int futex_wake_addr(uaddr_t uaddr, int n);
/*
 * Current (t) is exiting or exec'ing: walk its robust list (marking the futexes it still
 * holds FUTEX_OWNER_DIED and waking a waiter of each), then clear the tid word and wake
 * a waiter of it when other tasks share the address space. Best effort: a bad guest
 * pointer ends the walk.
 */
void futex_exit_release(struct task *t);

#endif
