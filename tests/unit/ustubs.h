/* Host stand-ins for kernel services in unit tests (tests/unit/ustubs.c). */
#ifndef USTUBS_H
#define USTUBS_H

/* Everything printk'd (and written by os_write_all) since the last ustub_log_clear. */
extern char ustub_log[8192];
/* Calls of os_punch_hole (memory given back to the host), and the first ranges punched. */
extern int ustub_punched;
struct ustub_punch {
	unsigned long long off, len;
};
#define USTUB_PUNCH_LOG 256
extern struct ustub_punch ustub_punches[USTUB_PUNCH_LOG];
void ustub_log_clear(void);

#endif
