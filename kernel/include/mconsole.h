/*
 * The UML management console (drivers/mconsole/): what the rest of the kernel calls, and
 * the registry of devices that `config` and `remove` reach (UML's mc_device).
 */
#ifndef MCONSOLE_H
#define MCONSOLE_H

#include "kernel.h"
#include "list.h"

/*
 * Make the umid directory and the mconsole socket; called once the command line is
 * parsed. Returns 0 (also when the console is left out: Kconfig, no $HOME), or -errno
 * after printing why the boot must stop (the umid is in use, an explicit umid= or
 * uml_dir= cannot be made).
 */
int mconsole_init(void);
/* Serve the requests waiting on the socket (from irq_handle: SIGIO and every tick). */
void mconsole_poll(void);
/* Tell the notify socket (mconsole=notify:) about a panic. Safe to call any time. */
void mconsole_notify_panic(const char *msg);
/* Send a user notification (a write to /proc/mconsole): len bytes or -errno. */
long mconsole_notify_user(const char *buf, size_t len);

/*
 * A device that `config NAME...` configures and `remove NAME...` removes. str is what
 * follows the name in the command ("0=/tmp/disk", "0"). Functions return 0 or -errno and
 * may set *error to the text sent back (a static string).
 */
struct mc_device {
	struct list_head list;
	const char *name; /* "ubd", "mem", ...: the prefix of the command's argument */
	/* config NAME<str> where str holds a '=': add or change the device. */
	int (*config)(const char *str, const char **error);
	/* config NAME<str> without '=': its configuration into buf (size bytes). */
	int (*get_config)(const char *str, char *buf, size_t size, const char **error);
	/* The device number named by *str (advanced past it), with the valid range; or -1. */
	int (*id)(const char **str, int *start, int *end);
	/* remove NAME<n>: -ENODEV (no such device), -EBUSY (in use), or 0. */
	int (*remove)(int n, const char **error);
};

/* Make dev reachable through config/remove (drivers call this from their init). */
void mconsole_register_dev(struct mc_device *dev);

#endif
