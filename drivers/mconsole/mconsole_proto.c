/*
 * The pure part of the mconsole protocol (see mconsole_proto.h): checking a received
 * datagram, finding its command, and cutting a reply into packets. No I/O and no kernel
 * state, so the unit test runs it on the host (tests/unit/mconsole_test.c).
 *
 * Validation follows UML's mconsole_get_request, made strict where UML reads stale
 * buffer contents: a datagram shorter than the header, or whose len claims more text than
 * it carries, is refused instead of being read past its end. UML goes on to run a request
 * after answering "This driver only supports version 2 clients"; here that answer is the
 * whole reply.
 */
#include "kernel.h"
#include "mconsole_proto.h"

static const char *const command_names[MC_CMD_NR] = {
	[MC_CMD_VERSION] = "version", [MC_CMD_HELP] = "help",     [MC_CMD_HALT] = "halt",
	[MC_CMD_REBOOT] = "reboot",   [MC_CMD_CONFIG] = "config", [MC_CMD_REMOVE] = "remove",
	[MC_CMD_SYSRQ] = "sysrq",     [MC_CMD_CAD] = "cad",       [MC_CMD_STOP] = "stop",
	[MC_CMD_GO] = "go",           [MC_CMD_LOG] = "log",       [MC_CMD_PROC] = "proc",
	[MC_CMD_STACK] = "stack",
	[MC_CMD_MEMSTAT] = "memstat",
};

static uint32_t get_u32(const void *buf, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)buf + off, sizeof(v));
	return v;
}

enum mc_req_status mconsole_check_request(const void *buf, size_t n, char *cmd)
{
	uint32_t len;

	if (n < sizeof(uint32_t) || get_u32(buf, 0) != MCONSOLE_MAGIC)
		return MC_REQ_V0;
	if (n < MCONSOLE_REQ_HDR)
		return MC_REQ_SHORT;
	if (get_u32(buf, 4) != MCONSOLE_VERSION)
		return MC_REQ_BAD_VERSION;
	len = get_u32(buf, 8);
	if (len >= MCONSOLE_MAX_DATA || n > sizeof(struct mconsole_request))
		return MC_REQ_TOO_LARGE;
	if (len > n - MCONSOLE_REQ_HDR)
		return MC_REQ_TRUNCATED;
	memcpy(cmd, (const char *)buf + MCONSOLE_REQ_HDR, len);
	cmd[len] = '\0';
	return MC_REQ_OK;
}

const char *mconsole_req_error(enum mc_req_status st)
{
	switch (st) {
	case MC_REQ_OK:
		return "";
	case MC_REQ_V0:
		return MCONSOLE_V0_REPLY;
	case MC_REQ_SHORT:
		return "Request too short";
	case MC_REQ_BAD_VERSION:
		return "This driver only supports version 2 clients";
	case MC_REQ_TOO_LARGE:
		return "Request too large";
	case MC_REQ_TRUNCATED:
		return "Request length exceeds the datagram";
	}
	return "Bad request";
}

int mconsole_lookup(const char *text)
{
	for (int i = 0; i < MC_CMD_NR; i++) {
		const char *name = command_names[i];

		if (!strncmp(text, name, strlen(name)))
			return i;
	}
	return -1;
}

const char *mconsole_command_name(enum mc_command c)
{
	return (unsigned)c < MC_CMD_NR ? command_names[c] : "?";
}

const char *mconsole_argument(const char *text, enum mc_command c)
{
	const char *p = text + strlen(mconsole_command_name(c));

	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

size_t mconsole_fill_reply(struct mconsole_reply *r, const char *str, size_t total,
			   uint32_t err, uint32_t more, size_t *pkt_len)
{
	size_t len = total < MCONSOLE_MAX_DATA - 1 ? total : MCONSOLE_MAX_DATA - 1;

	r->err = err;
	r->more = len == total ? more : 1;
	memcpy(r->data, str, len);
	r->data[len] = '\0';
	r->len = (uint32_t)len + 1;
	*pkt_len = MCONSOLE_REPLY_HDR + len + 1;
	return len;
}
