/*
 * The UML management console protocol, version 2, as the real uml_mconsole client speaks
 * it (REFERENCE-uml.md section 2), and the pure helpers around it (mconsole_proto.c):
 * request validation, command lookup, reply chunking. Shared by the kernel half
 * (mconsole.c), the host half (mconsole_host.c) and the unit test, so stdint types only.
 *
 * Every field is a host-endian u32 (little-endian on x86_64). A request is always sent
 * whole (524 bytes by the Debian client); a reply or notification is sent as its header
 * plus len bytes of data.
 */
#ifndef MCONSOLE_PROTO_H
#define MCONSOLE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define MCONSOLE_MAGIC 0xcafebabeU
#define MCONSOLE_VERSION 2
#define MCONSOLE_MAX_DATA 512

struct mconsole_request {
	uint32_t magic;   /* MCONSOLE_MAGIC */
	uint32_t version; /* MCONSOLE_VERSION */
	uint32_t len;     /* bytes of command text in data, no NUL needed */
	char data[MCONSOLE_MAX_DATA];
};

struct mconsole_reply {
	uint32_t err;  /* non-zero: an error (only the first packet of a reply carries it) */
	uint32_t more; /* 1: another packet of this reply follows */
	uint32_t len;  /* bytes of data including the terminating NUL */
	char data[MCONSOLE_MAX_DATA];
};

/* Notification types (a C enum on the wire, 4 bytes). */
#define MCONSOLE_NOTIFY_SOCKET 0 /* booted far enough to take requests; data: socket path */
#define MCONSOLE_NOTIFY_PANIC 1  /* kernel panic; data: the message */
#define MCONSOLE_NOTIFY_HANG 2   /* defined by UML, never sent */
#define MCONSOLE_NOTIFY_USER 3   /* a guest wrote to /proc/mconsole */

struct mconsole_notify {
	uint32_t magic;
	uint32_t version;
	uint32_t type;
	uint32_t len;
	char data[MCONSOLE_MAX_DATA];
};

#define MCONSOLE_REQ_HDR 12 /* offsetof(struct mconsole_request, data) */
#define MCONSOLE_REPLY_HDR 12
#define MCONSOLE_NOTIFY_HDR 16

/*
 * What a received datagram is. Only MC_REQ_OK carries a command; MC_REQ_V0 is answered
 * with MCONSOLE_V0_REPLY sent raw (no reply header, as UML does for pre-version-1
 * clients); the others get an error reply with mconsole_req_error().
 */
enum mc_req_status {
	MC_REQ_OK = 0,
	MC_REQ_V0,          /* no magic: a version 0 text client, or junk */
	MC_REQ_SHORT,       /* the magic, but not a whole header */
	MC_REQ_BAD_VERSION, /* a version other than 2 */
	MC_REQ_TOO_LARGE,   /* len >= 512, or a datagram longer than a request */
	MC_REQ_TRUNCATED,   /* len claims more text than the datagram holds */
};

#define MCONSOLE_V0_REPLY "ERR Version 0 mconsole clients are not supported by this driver"

/*
 * Check the n bytes of a received datagram (n may exceed the request size: the caller
 * passes the real length of a truncated receive). On MC_REQ_OK, cmd (MCONSOLE_MAX_DATA
 * bytes) gets the command text, NUL-terminated. Pure: reads only buf[0..n).
 */
enum mc_req_status mconsole_check_request(const void *buf, size_t n, char *cmd);
/* The error text sent back for a bad request status. */
const char *mconsole_req_error(enum mc_req_status st);

/* Commands, in the order UML matches them: the first whose name prefixes the text wins. */
enum mc_command {
	MC_CMD_VERSION,
	MC_CMD_HELP,
	MC_CMD_HALT,
	MC_CMD_REBOOT,
	MC_CMD_CONFIG,
	MC_CMD_REMOVE,
	MC_CMD_SYSRQ,
	MC_CMD_CAD,
	MC_CMD_STOP,
	MC_CMD_GO,
	MC_CMD_LOG,
	MC_CMD_PROC,
	MC_CMD_STACK,
	MC_CMD_MEMSTAT, /* ours: memory figures for tools/umlite-balance */
	MC_CMD_NR,
};

/* The command named by text (prefix match, UML's rule), or -1 ("Unknown command"). */
int mconsole_lookup(const char *text);
/* The command's name ("version", ...). */
const char *mconsole_command_name(enum mc_command c);
/* The argument of a command text: after the command word and any spaces. */
const char *mconsole_argument(const char *text, enum mc_command c);

/*
 * Fill one reply packet with the start of str (total bytes left), at most 511 bytes plus a
 * NUL. more is the caller's flag for the last packet; earlier packets always get more=1.
 * Returns the number of bytes of str consumed; *pkt_len gets the bytes to send.
 */
size_t mconsole_fill_reply(struct mconsole_reply *r, const char *str, size_t total,
			   uint32_t err, uint32_t more, size_t *pkt_len);

#endif
