/*
 * Inside the kernel half of the management console: the request as the command handlers
 * see it, and the functions mconsole.c (transport, queue, stop/go) and mconsole_cmds.c /
 * mconsole_dev.c (the commands) give each other.
 */
#ifndef MCONSOLE_KERN_H
#define MCONSOLE_KERN_H

#include "kernel.h"
#include "list.h"
#include "mconsole/mconsole_host.h"
#include "mconsole/mconsole_proto.h"

struct mc_request {
	struct list_head link;       /* on the queue of the mconsole thread */
	struct mconsole_peer peer;   /* where the replies go */
	enum mc_command cmd;
	bool dead;                   /* a send failed: the client gets nothing more */
	char text[MCONSOLE_MAX_DATA]; /* the command line, NUL-terminated */
};

/* ---- mconsole.c */
/*
 * Send str as (part of) the reply: cut into packets of 511 bytes, each but the last with
 * more=1; the last carries more. err marks the first packet as an error.
 */
void mconsole_reply(struct mc_request *req, const char *str, bool err, bool more);
void mconsole_reply_len(struct mc_request *req, const char *str, size_t len, bool err,
			bool more);
/* Run fn(arg) and send what it wrote to the kernel log as the reply (UML's "mc" console). */
void mconsole_reply_log(struct mc_request *req, void (*fn)(void *), void *arg);
/* stop: serve requests here, with the whole kernel paused, until go. */
void mconsole_stop(struct mc_request *req);
/* go outside a stop: an error. */
void mconsole_go(struct mc_request *req);

/* ---- mconsole_cmds.c */
/* Run req's command (in the mconsole thread, or at once for interrupt-time commands). */
void mconsole_run(struct mc_request *req);
/* Whether cmd runs at once where the request was received (UML's MCONSOLE_INTR). */
bool mconsole_cmd_at_once(enum mc_command cmd);

/* ---- mconsole_dev.c */
/* Register the devices that are always there (mem). */
void mconsole_register_builtin(void);
void mconsole_config(struct mc_request *req);
void mconsole_remove(struct mc_request *req);

#endif
