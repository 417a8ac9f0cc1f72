/*
 * The table of how strace= shows each system call, built from kernel/syscall_args.def and
 * numbered from kernel/syscalls.def (the one system-call table): an enum maps every name
 * of syscalls.def to its number, so an entry for a name that is not a system call does not
 * compile.
 */
#include "kernel.h"
#include "syscall.h"
#include "trace_internal.h"

enum {
#define SYSCALL(nr, name, status, note) SCNR_##name = nr,
#include "syscalls.def"
#undef SYSCALL
};

static const struct trace_sig sig_table[SC_NR_MAX] = {
#define SCARGS(name, cls, r, ...) \
	[SCNR_##name] = { .ret = r, .classes = cls, .arg = { __VA_ARGS__ } },
#include "syscall_args.def"
#undef SCARGS
};

static const bool sig_present[SC_NR_MAX] = {
#define SCARGS(name, cls, r, ...) [SCNR_##name] = true,
#include "syscall_args.def"
#undef SCARGS
};

const struct trace_sig *trace_sig_of(long nr)
{
	if (nr < 0 || nr >= SC_NR_MAX || !sig_present[nr])
		return NULL;
	return &sig_table[nr];
}

int trace_sig_nargs(const struct trace_sig *s)
{
	int n = 0;

	while (n < 6 && s->arg[n] != A_NONE)
		n++;
	return n;
}

static const struct {
	const char *name;
	unsigned bit;
} classes[] = {
	{ "file", TC_FILE },       { "desc", TC_DESC },   { "process", TC_PROCESS },
	{ "signal", TC_SIGNAL },   { "memory", TC_MEMORY }, { "network", TC_NETWORK },
	{ "net", TC_NETWORK },     { "creds", TC_CREDS }, { "clock", TC_CLOCK },
};

unsigned trace_class_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (strlen(classes[i].name) == len && !strncmp(classes[i].name, name, len))
			return classes[i].bit;
	return 0;
}
