/*
 * umlite-balance: a memory manager for all the um-lite instances of one user, in the way
 * of VMware ESX (Waldspurger, OSDI 2002): memory goes where it is used, idle memory is
 * taxed, and the instances together stay within a budget of host memory.
 *
 *   umlite-balance --budget SIZE [--tax RATE] [--period SECONDS] [--floor SIZE]
 *                  [--headroom SIZE] [--uml-dir DIR] [--once] [--dry-run] [--quiet]
 *
 * Every period it finds the instances by their management consoles (DIR/UMID/mconsole,
 * DIR defaults to ~/.uml as for umlite and uml_mconsole), asks each for `memstat` (its
 * boot size, memory now, memory in use and the active fraction the kernel estimates by
 * sampling: kernel/mm/idle_sample.c), computes targets with the shares-per-page rule and
 * the idle tax (tools/balance_policy.c), and moves each instance toward its target with
 * the balloon (`config mem=-N` / `config mem=+N`, UML's commands). One line is logged per
 * change. Since every instance is kept at or under its target and the targets add up to
 * the budget, the host memory of all instances together stays under the budget, whatever
 * their boot sizes add up to (overcommit).
 *
 * A host tool: plain C with glibc, no um-lite kernel code.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "balance_policy.h"

#define MC_MAGIC 0xcafebabe
#define MC_VERSION 2
#define MC_DATA 512
#define MAX_VMS 256

struct mc_request {
	uint32_t magic, version, len;
	char data[MC_DATA];
};

struct mc_reply {
	uint32_t err, more, len;
	char data[MC_DATA];
};

struct instance {
	char umid[64];
	char sock[PATH_MAX];
	struct bal_vm vm;
	unsigned active_pm;
	uint64_t backed;
};

static struct bal_params params = {
	.tax = 0.75, .floor = 32 * BAL_MIB, .headroom = 16 * BAL_MIB, .step = 4 * BAL_MIB,
};
static double period = 1.0;
static char uml_dir[PATH_MAX];
static int once, dry_run, quiet;
static volatile sig_atomic_t stop;

static void logf_(const char *fmt, ...)
{
	char ts[32];
	time_t now = time(NULL);
	va_list ap;

	if (quiet)
		return;
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
	printf("%s ", ts);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Parse "512M", "1G", "65536K", "1048576" into bytes; -1 when malformed. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	case '\0': break;
	default: return -1;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/*
 * Send one command to an mconsole socket and collect the reply text (all packets).
 * Returns 0 (reply in out, *err its error flag), -1 (the instance is gone: nothing
 * listens on the socket) or -2 (the request went out but no reply came in time: the
 * instance is alive and busy).
 */
static int mc_command(const char *sock, const char *cmd, char *out, size_t outlen, int *err)
{
	struct sockaddr_un to = { .sun_family = AF_UNIX };
	struct sockaddr_un me = { .sun_family = AF_UNIX };
	struct mc_request req = { .magic = MC_MAGIC, .version = MC_VERSION };
	struct timeval tv = { .tv_sec = 2 };
	size_t used = 0;
	int fd, ret = -1;

	if (strlen(sock) >= sizeof(to.sun_path) || strlen(cmd) >= MC_DATA)
		return -1;
	strcpy(to.sun_path, sock);
	req.len = strlen(cmd);
	memcpy(req.data, cmd, req.len);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* Autobind: an abstract address the kernel chooses, for the replies. */
	if (bind(fd, (struct sockaddr *)&me, sizeof(sa_family_t)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		goto out;
	out[0] = '\0';
	for (;;) {
		struct mc_reply r;
		ssize_t n = recv(fd, &r, sizeof(r), 0);
		size_t len;

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			ret = -2;
		if (n < (ssize_t)(3 * sizeof(uint32_t)))
			goto out;
		len = r.len < MC_DATA ? r.len : MC_DATA - 1;
		if (len > (size_t)n - 3 * sizeof(uint32_t))
			len = (size_t)n - 3 * sizeof(uint32_t);
		if (used + len >= outlen)
			len = outlen - used - 1;
		memcpy(out + used, r.data, len);
		used += len;
		out[used] = '\0';
		*err = (int)r.err;
		if (!r.more)
			break;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static uint64_t field_kb(const char *text, const char *name)
{
	size_t l = strlen(name);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, l) && p[l] == ' ')
			return strtoull(p + l + 1, NULL, 10);
	return 0;
}

/*
 * Ask one instance for its figures; 0, -1 when it does not answer as expected, -2 when it
 * is alive but did not answer in time.
 */
static int poll_instance(struct instance *in)
{
	char text[4096];
	int err = 0, r = mc_command(in->sock, "memstat", text, sizeof(text), &err);

	if (r < 0)
		return r;
	if (err || !strstr(text, "boot_kb"))
		return -1;
	in->vm.boot = field_kb(text, "boot_kb") << 10;
	in->vm.mem = field_kb(text, "mem_kb") << 10;
	in->vm.used = field_kb(text, "used_kb") << 10;
	in->active_pm = (unsigned)field_kb(text, "active_permille");
	in->backed = field_kb(text, "backed_kb") << 10;
	in->vm.active = in->vm.used / 1000 * in->active_pm;
	return 0;
}

/* The memory each instance had when it last answered, by umid (for rounds it is silent). */
static struct {
	char umid[64];
	uint64_t mem;
} last_known[MAX_VMS];

static uint64_t *last_mem_slot(const char *umid)
{
	int free_slot = -1;

	for (int i = 0; i < MAX_VMS; i++) {
		if (!strcmp(last_known[i].umid, umid))
			return &last_known[i].mem;
		if (free_slot < 0 && !last_known[i].umid[0])
			free_slot = i;
	}
	if (free_slot < 0)
		return NULL;
	strcpy(last_known[free_slot].umid, umid);
	last_known[free_slot].mem = 0;
	return &last_known[free_slot].mem;
}

/*
 * Every live instance under uml_dir; returns how many answered. Those alive that did not
 * answer in time add the memory they last reported to *silent_mem, or count in *silent
 * when they never answered.
 */
static int find_instances(struct instance *vms, int max, int *silent, uint64_t *silent_mem)
{
	DIR *d = opendir(uml_dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		struct stat st;
		struct instance *in = &vms[n];

		if (e->d_name[0] == '.' || strlen(e->d_name) >= sizeof(in->umid))
			continue;
		memset(in, 0, sizeof(*in));
		strcpy(in->umid, e->d_name);
		if (snprintf(in->sock, sizeof(in->sock), "%s/%s/mconsole", uml_dir, e->d_name) >=
		    (int)sizeof(in->sock))
			continue;
		if (stat(in->sock, &st) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		uint64_t *last = last_mem_slot(in->umid);

		switch (poll_instance(in)) {
		case 0:
			n++;
			if (last)
				*last = in->vm.mem;
			break;
		case -2:
			logf_("%s: no answer to memstat in time", in->umid);
			if (last && *last)
				*silent_mem += *last;
			else
				(*silent)++; /* never answered: its memory is not known */
			break;
		}
	}
	closedir(d);
	return n;
}

/*
 * Send an instance toward its target: 1 done, 0 not worth a move, -1 refused or the
 * instance gone, -2 sent but not answered in time (the instance may still carry it out).
 */
static int move_toward(struct instance *in)
{
	uint64_t mem = in->vm.mem, target = in->vm.target, delta;
	char cmd[64], reply[1024];
	int err = 0, r;

	delta = target > mem ? target - mem : mem - target;
	/*
	 * Hysteresis: the estimates wobble from period to period; a move of less than two
	 * steps (or 2% of the boot size) would only undo the last one. Moves to keep the
	 * budget (shrinking a guest above its target) are made at any size above one step.
	 */
	if (delta < params.step ||
	    (target > mem && (delta < 2 * params.step || delta < in->vm.boot / 50)))
		return 0;
	snprintf(cmd, sizeof(cmd), "config mem=%c%lluK", target > mem ? '+' : '-',
		 (unsigned long long)(delta >> 10));
	if (dry_run) {
		logf_("%s: would send '%s'", in->umid, cmd);
		return 0;
	}
	r = mc_command(in->sock, cmd, reply, sizeof(reply), &err);
	if (r < 0) {
		logf_("%s: no answer to '%s'", in->umid, cmd);
		return r;
	}
	logf_("%s: mem %lluM -> %lluM (used %lluM, active %u.%u%%)%s%s", in->umid,
	      (unsigned long long)(mem >> 20), (unsigned long long)(target >> 20),
	      (unsigned long long)(in->vm.used >> 20), in->active_pm / 10, in->active_pm % 10,
	      err ? ": " : "", err ? reply : "");
	return err ? -1 : 1;
}

static void round_once(void)
{
	static struct instance vms[MAX_VMS];
	struct bal_vm bv[MAX_VMS];
	static int last_n = -1;
	uint64_t held, silent_mem = 0, avail;
	int silent = 0, n = find_instances(vms, MAX_VMS, &silent, &silent_mem);

	if (n != last_n)
		logf_("%d instance%s under %s", n, n == 1 ? "" : "s", uml_dir);
	last_n = n;
	for (int i = 0; i < n; i++)
		bv[i] = vms[i].vm;
	if (bal_compute(bv, n, &params) < 0)
		logf_("the instances need more than the budget (%lluM): each keeps what it uses",
		      (unsigned long long)(params.budget >> 20));
	/*
	 * Shrink first, then grow by no more than what the group holds under the budget
	 * after the shrinks (an instance that did not answer counts with what it last
	 * reported): the group never holds more than the budget, not even between two
	 * commands of a round, and a refused shrink only slows the others' growth.
	 */
	held = silent_mem;
	for (int i = 0; i < n; i++) {
		struct instance *in = &vms[i];

		in->vm.target = bv[i].target;
		if (in->vm.target < in->vm.mem) {
			int r = move_toward(in);

			if (r > 0)
				in->vm.mem = in->vm.target;
			else if (r < 0 && poll_instance(in) < 0)
				silent++;
		}
		held += in->vm.mem;
	}
	avail = silent || held >= params.budget ? 0 : params.budget - held;
	for (int i = 0; i < n; i++) {
		struct instance *in = &vms[i];

		if (in->vm.target <= in->vm.mem)
			continue;
		if (in->vm.target - in->vm.mem > avail)
			in->vm.target = in->vm.mem + avail;
		/* A grow that was not answered in time may still happen: count it as made. */
		int r = move_toward(in);

		if (r > 0 || r == -2)
			avail -= in->vm.target - in->vm.mem;
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: umlite-balance --budget SIZE [options]\n"
		"  --budget SIZE     host memory all instances together may use (e.g. 1G)\n"
		"  --tax RATE        idle memory tax, 0 <= RATE < 1 (default 0.75)\n"
		"  --period SECONDS  time between rounds (default 1)\n"
		"  --floor SIZE      no instance goes below this (default 32M)\n"
		"  --headroom SIZE   room kept above what an instance uses (default 16M)\n"
		"  --uml-dir DIR     where the instances' mconsole sockets are (default ~/.uml)\n"
		"  --once            one round, then exit\n"
		"  --dry-run         say what would be sent, send nothing\n"
		"  --quiet           log nothing\n");
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "budget", 1, 0, 'b' }, { "tax", 1, 0, 't' },    { "period", 1, 0, 'p' },
		{ "floor", 1, 0, 'f' },  { "headroom", 1, 0, 'r' }, { "uml-dir", 1, 0, 'd' },
		{ "once", 0, 0, 'o' },   { "dry-run", 0, 0, 'n' }, { "quiet", 0, 0, 'q' },
		{ "help", 0, 0, 'h' },   { 0, 0, 0, 0 },
	};
	const char *home = getenv("HOME");
	int c;

	snprintf(uml_dir, sizeof(uml_dir), "%s/.uml", home ? home : "/tmp");
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'b':
			if (parse_size(optarg, &params.budget) < 0 || params.budget < BAL_MIB) {
				fprintf(stderr, "umlite-balance: bad --budget '%s'\n", optarg);
				return 2;
			}
			break;
		case 't':
			params.tax = strtod(optarg, &end);
			if (*end || end == optarg || params.tax < 0 || params.tax >= 1) {
				fprintf(stderr, "umlite-balance: --tax wants 0 <= RATE < 1, not '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'p':
			period = strtod(optarg, &end);
			if (*end || end == optarg || period < 0.05 || period > 3600) {
				fprintf(stderr, "umlite-balance: bad --period '%s'\n", optarg);
				return 2;
			}
			break;
		case 'f':
		case 'r':
			if (parse_size(optarg, c == 'f' ? &params.floor : &params.headroom) < 0) {
				fprintf(stderr, "umlite-balance: bad size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'd':
			if (strlen(optarg) >= sizeof(uml_dir) - 80) {
				fprintf(stderr, "umlite-balance: --uml-dir too long\n");
				return 2;
			}
			strcpy(uml_dir, optarg);
			break;
		case 'o': once = 1; break;
		case 'n': dry_run = 1; break;
		case 'q': quiet = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || !params.budget) {
		fprintf(stderr, "umlite-balance: %s\n",
			optind < argc ? "unexpected argument" : "--budget is required");
		usage(stderr);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	int r = parse_args(argc, argv);

	if (r >= 0)
		return r;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	logf_("budget %lluM, idle tax %.0f%%, period %.2gs, instances in %s",
	      (unsigned long long)(params.budget >> 20), params.tax * 100, period, uml_dir);
	do {
		struct timespec ts = { (time_t)period,
				       (long)((period - (time_t)period) * 1e9) };

		round_once();
		if (once)
			break;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop)
			;
	} while (!stop);
	return 0;
}
