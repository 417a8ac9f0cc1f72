/*
 * Boot and shutdown (kernel/init.c).
 */
#ifndef INIT_H
#define INIT_H

#include "kernel.h"

/* Exit status of umlite after a kernel panic. */
#define UMLITE_EXIT_PANIC 125
/* Exit status when no init could be run. */
#define UMLITE_EXIT_NOINIT 127

/* Stop everything and exit umlite with status (init's status, or 0 after poweroff). */
void kernel_halt(int status) __noreturn;
/* A request from outside (host SIGTERM, mconsole halt): halt with status. */
void kernel_power_off_request(int status);
/*
 * Restart the whole instance with the same command line (reboot(2), mconsole reboot):
 * umlite execs itself again, keeping its pid; with `noreboot` it halts instead.
 */
void kernel_restart(void) __noreturn;
/*
 * Ctrl-Alt-Del (mconsole cad): SIGINT to init once init has turned the key off with
 * reboot(LINUX_REBOOT_CMD_CAD_OFF), as every init does; otherwise restart at once (kernel/sys.c).
 */
void kernel_ctrl_alt_del(void);
/* Create pid 1 and queue it; it opens the console and executes init (kernel/init_task.c). */
int init_task_start(void);
/* True once `debug` was given. */
extern bool kernel_debug;

#endif
