/*
 * The command line: UML-style options before "--", init's arguments after it.
 *
 *   umlite [option...] [-- init-arg...]
 *
 * Options are registered with KPARAM next to the code they configure. A word that names
 * no option is handed to init as Linux does: NAME=VALUE into its environment, anything
 * else into its arguments, each with a warning so typos do not go unnoticed.
 */
#include "kernel.h"
#include "os.h"
#include "params.h"

extern const struct kparam __start_kparam[], __stop_kparam[];

const char *init_path;
const char *init_argv[64];
int init_argc;
const char *init_envp[64];
int init_envc;
static char cmdline_buf[4096];

const char *kernel_cmdline(void)
{
	return cmdline_buf;
}

int params_parse_size(const char *s, u64 *out)
{
	const char *end;
	u64 v, mul = 1;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	v = kstrtoull_prefix(s, &end, 0);
	switch (*end) {
	case 'k':
	case 'K':
		mul = 1ULL << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mul = 1ULL << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mul = 1ULL << 30;
		end++;
		break;
	default:
		break;
	}
	if (*end || v > (~0ULL) / mul)
		return -EINVAL;
	*out = v * mul;
	return 0;
}

static void out(const char *s)
{
	os_write_all(1, s, strlen(s));
}

static void print_help(void)
{
	char line[512];

	out("usage: umlite [option...] [-- init-argument...]\n\n"
	    "Boots the um-lite guest kernel as this process. The exit status is init's.\n\n"
	    "Options:\n");
	for (const struct kparam *p = __start_kparam; p < __stop_kparam; p++) {
		if (!p->help || !p->help[0])
			continue; /* listed below, or internal */
		ksnprintf(line, sizeof(line), "  %s\n", p->help);
		out(line);
	}
	out("  --help            this text\n"
	    "  --version         print the version\n");
}

static const struct kparam *find_param(const char *word, const char **val)
{
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);

	for (const struct kparam *p = __start_kparam; p < __stop_kparam; p++) {
		size_t n = strlen(p->name);

		if (p->flags & KP_PREFIX) {
			if (!strncmp(word, p->name, n)) {
				*val = word;
				return p;
			}
			continue;
		}
		if (n != len || strncmp(word, p->name, n))
			continue;
		if ((p->flags & KP_VALUE) && eq) {
			*val = eq + 1;
			return p;
		}
		if ((p->flags & KP_FLAG) && !eq) {
			*val = NULL;
			return p;
		}
	}
	return NULL;
}

static void record(const char *word)
{
	if (cmdline_buf[0])
		kstrlcat(cmdline_buf, " ", sizeof(cmdline_buf));
	kstrlcat(cmdline_buf, word, sizeof(cmdline_buf));
}

static int pass_to_init(const char *word)
{
	if (strchr(word, '=')) {
		if (init_envc >= (int)ARRAY_SIZE(init_envp) - 1) {
			printk(KERN_ERR "umlite: '%s': too many unknown NAME=VALUE words for init's "
			       "environment (at most %d)\n", word, (int)ARRAY_SIZE(init_envp) - 1);
			return -E2BIG;
		}
		printk(KERN_WARNING "umlite: unknown option '%s' passed to init's environment\n", word);
		init_envp[init_envc++] = word;
	} else {
		if (init_argc >= (int)ARRAY_SIZE(init_argv) - 1) {
			printk(KERN_ERR "umlite: '%s': too many unknown words for init's arguments "
			       "(at most %d)\n", word, (int)ARRAY_SIZE(init_argv) - 2);
			return -E2BIG;
		}
		printk(KERN_WARNING "umlite: unknown option '%s' passed to init as an argument\n",
		       word);
		init_argv[init_argc++] = word;
	}
	return 0;
}

int params_parse(int argc, char **argv)
{
	int i;

	init_argc = 1; /* argv[0] is filled in when init is chosen */
	for (i = 1; i < argc; i++) {
		const char *w = argv[i], *val;
		const struct kparam *p;
		int r;

		if (!strcmp(w, "--")) {
			i++;
			break;
		}
		if (!strcmp(w, "--help") || !strcmp(w, "-h")) {
			print_help();
			return KP_EXIT_OK;
		}
		record(w);
		p = find_param(w, &val);
		if (!p) {
			if (w[0] == '-') {
				printk(KERN_ERR "umlite: unknown option '%s' (try --help)\n", w);
				return -EINVAL;
			}
			r = pass_to_init(w);
		} else {
			r = p->set(val);
			if (r < 0)
				printk(KERN_ERR "umlite: bad option '%s' (try --help)\n", w);
		}
		if (r == KP_EXIT_OK)
			return r;
		if (r < 0)
			return -EINVAL;
	}
	for (; i < argc; i++) {
		if (init_argc >= (int)ARRAY_SIZE(init_argv) - 1) {
			printk(KERN_ERR "umlite: too many arguments for init (at most %d)\n",
			       (int)ARRAY_SIZE(init_argv) - 2);
			return -EINVAL;
		}
		init_argv[init_argc++] = argv[i];
	}
	return 0;
}
