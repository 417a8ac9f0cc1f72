/*
 * Command-line options (kernel/params.c). Each option is registered next to its code with
 * KPARAM, UML's __uml_setup idea: name, parser, help. `umlite --help` prints them all.
 */
#ifndef PARAMS_H
#define PARAMS_H

#include "kernel.h"

#define KP_VALUE 0x1  /* name=value */
#define KP_FLAG 0x2   /* a bare word (quiet, debug) */
#define KP_PREFIX 0x4 /* matches any option starting with name (ubd0=, ubdb=...) */

struct kparam {
	const char *name;
	/* Parse the value (NULL for a flag; the whole option for KP_PREFIX); 0 or -errno. */
	int (*set)(const char *val);
	unsigned flags;
	const char *help;
};

#define KPARAM(name, fn, flags, help)                                                 \
	static const struct kparam __kparam_##fn                                      \
		__attribute__((used, section("kparam"), aligned(8))) = { name, fn, flags, help }

/*
 * Parse argv[1..]: options before "--" (and unknown words, passed on to init as Linux
 * does), init's arguments after it. Returns 0, a positive exit status for --help and
 * friends (0 is returned as KP_EXIT_OK), or -EINVAL after printing the error.
 */
#define KP_EXIT_OK 1000
int params_parse(int argc, char **argv);
/* Parse a size with an optional K/M/G suffix; -EINVAL when malformed. */
int params_parse_size(const char *s, u64 *out);
/* The words before "--" as given, for /proc/cmdline. */
const char *kernel_cmdline(void);

/* init's command line and environment, collected by params_parse. */
extern const char *init_path;
extern const char *init_argv[64];
extern int init_argc;
extern const char *init_envp[64];
extern int init_envc;

#endif
