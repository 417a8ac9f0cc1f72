/*
 * Magic SysRq (kernel/sysrq.c): the emergency keys of Linux, reached through the
 * mconsole `sysrq` command and /proc/sysrq-trigger. Output goes to the kernel log.
 */
#ifndef SYSRQ_H
#define SYSRQ_H

#include "kernel.h"

struct task;

/*
 * Run the action of key: b reboot, c crash (only with `debug`), e SIGTERM / i SIGKILL to
 * every process but init, m memory, o power off, s sync, t tasks, w blocked tasks,
 * 0-9 console log level; anything else prints the help line and returns -EINVAL.
 */
int sysrq_handle(int key);
/* True when key's action does not return (reboot, power off, an allowed crash). */
bool sysrq_ends_kernel(int key);
/* Log one task: ids, state, system call, wait channel; with stack, its registers and calls. */
void sysrq_show_task(struct task *t, bool stack);

#endif
