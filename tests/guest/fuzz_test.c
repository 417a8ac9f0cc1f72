/*
 * Guest test: a hostile guest. Random system calls (the fuzzer: fuzz.h, fuzz_seed.h), a
 * guest that fills memory or makes mappings without end, must end in errors or signals for
 * the guest, never in a kernel crash, hang or leak. (Attempts to leave the SKAS sandbox
 * are in escape_test.c.)
 *
 * Three ways to run it:
 *   fuzz_test                        the test suite (kselftest TAP); inside um-lite it
 *                                    makes a bounded number of random calls, natively it
 *                                    only runs the cases that are safe and meaningful there
 *   fuzz_test fuzz FIRST COUNT [options]   the fuzzer proper, inside um-lite only (it
 *                                    refuses to run elsewhere): seeds FIRST..FIRST+COUNT-1,
 *                                    one child process each. Options: calls=N (per seed),
 *                                    timeout=S, root (fuzz as root instead of nobody; each
 *                                    seed runs from a copy of this program, and may
 *                                    unmount things), console (fuzz /dev/console too), exec
 *                                    (mostly execve of freshly mutated ELF files), -v
 *                                    (print each call). Ends with "fuzz: N seeds ... leak K
 *                                    kB" and exits 0, or 1 when a child could not be killed
 *                                    or (except with root) memory leaked.
 *                                    scripts/fuzz.sh drives it over thousands of seeds.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz_seed.h"
#include "kselftest_harness.h"

/* ---- helpers */

static int in_umlite(void)
{
	struct utsname u;

	return uname(&u) == 0 && strstr(u.release, "um-lite") != NULL;
}

static long meminfo_kb(const char *key)
{
	char line[256];
	long v = -1;
	FILE *fp = fopen("/proc/meminfo", "r");

	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ':')
			v = strtol(line + strlen(key) + 1, NULL, 10);
	}
	fclose(fp);
	return v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP || type == FTW_D || type == FTW_DNR)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	rmdir(dir);
}

struct seed_result {
	int status;     /* wait status of the seed's child */
	long calls;     /* calls it made */
	int timed_out;  /* killed at the deadline */
	int unkillable; /* still there long after SIGKILL */
	double secs;
};

/* Our children, from /proc (orphaned fuzz processes come to us: we are their subreaper). */
static int list_children(pid_t *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		char path[300], buf[512], *rp;
		int fd, len;
		long ppid;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[len > 0 ? len : 0] = 0;
		rp = strrchr(buf, ')');
		if (rp && sscanf(rp + 1, " %*c %ld", &ppid) == 1 && ppid == getpid())
			out[n++] = atoi(e->d_name);
	}
	closedir(d);
	return n;
}

/* Kill and reap every process a seed left behind, wherever it went (setsid, setpgid). */
static void reap_orphans(void)
{
	for (int round = 0; round < 100; round++) {
		pid_t kids[64];
		int n = list_children(kids, 64);

		for (int i = 0; i < n; i++)
			kill(kids[i], SIGKILL);
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
		if (n == 0)
			return;
		usleep(1000);
	}
}

static int progress_fd = -1; /* the file behind fz_progress */

/*
 * Root may write anything, /proc/self/exe included: a root seed runs from a copy of this
 * program, so that truncating its own executable does not kill the driver too.
 */
static void exec_private_copy(uint64_t seed, int ncalls, int verbose, int use_console)
{
	char path[64], a_seed[32], a_calls[16], a_con[8], a_fd[16];
	int in = open("/proc/self/exe", O_RDONLY), out;
	char buf[65536];
	long n;

	snprintf(path, sizeof(path), "/tmp/fz-exe-%d", getpid());
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	if (in < 0 || out < 0) {
		if (fz_progress)
			fz_progress[1] = errno;
		_exit(in < 0 ? 91 : 92);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			_exit(93);
	close(in);
	close(out);
	snprintf(a_seed, sizeof(a_seed), "%llu", (unsigned long long)seed);
	snprintf(a_calls, sizeof(a_calls), "%d", ncalls);
	snprintf(a_con, sizeof(a_con), "%d", use_console);
	snprintf(a_fd, sizeof(a_fd), "%d", progress_fd);
	execl(path, "fuzz_test", "seed", a_seed, a_calls, verbose ? "-v" : "-", a_con, a_fd,
	      (char *)NULL);
	if (fz_progress)
		fz_progress[1] = errno;
	_exit(94);
}

/*
 * Run one seed in a child of its own process group, as nobody unless as_root. The child
 * is given `timeout` seconds (a stopped child is continued), then killed.
 */
static struct seed_result run_seed(uint64_t seed, int ncalls, double timeout, int as_root,
				   int verbose, int use_console)
{
	struct seed_result res = { 0 };
	double t0 = now_s(), killed_at = 0;
	char dir[64];
	pid_t pid;

	if (!fz_progress) {
		/* a file, so that a root seed's exec'd copy can map it too (progress_fd) */
		progress_fd = open("/fz-progress", O_RDWR | O_CREAT | O_TRUNC, 0600);
		unlink("/fz-progress");
		if (progress_fd >= 0 && ftruncate(progress_fd, FZ_PAGE) == 0)
			fz_progress = mmap(NULL, FZ_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
					   progress_fd, 0);
		if (fz_progress == MAP_FAILED)
			fz_progress = NULL;
	}
	if (fz_progress)
		fz_progress[0] = fz_progress[1] = 0;
	if (as_root) {
		/*
		 * Undo what root seeds before may have done to us: / remounted noexec, modes of
		 * / and /tmp, our limits (prlimit64 on our pid: a tiny stack made exec E2BIG).
		 */
		static struct rlimit saved[RLIM_NLIMITS];
		static int have_saved;

		for (int r = 0; r < RLIM_NLIMITS; r++) {
			if (!have_saved)
				getrlimit(r, &saved[r]);
			else
				setrlimit(r, &saved[r]);
		}
		have_saved = 1;
		mount(NULL, "/", NULL, MS_REMOUNT, NULL);
		chmod("/", 0755);
		/*
		 * The seeds' files live on a nodev tmpfs: a root seed that made a device node
		 * of the console there wrote gigabytes to it.
		 */
		if (mount(NULL, "/tmp", NULL, MS_REMOUNT | MS_NODEV, NULL) < 0)
			mount("none", "/tmp", "tmpfs", MS_NODEV, NULL);
		chmod("/tmp", 01777);
		mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3));
	}
	pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		if (!as_root && progress_fd >= 0)
			close(progress_fd); /* a seed wrote 50 MB into it: the driver kept them */
		if (!as_root && (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0))
			_exit(98);
		/* never the console (a root seed may have removed /dev/null: then nothing) */
		for (int fd = 0; fd < (verbose ? 2 : 3); fd++) {
			if (null < 0)
				close(fd);
			else
				dup2(null, fd);
		}
		if (null > 2)
			close(null);
		if (as_root) {
			exec_private_copy(seed, ncalls, verbose, use_console);
			_exit(97); /* never fuzz as root from the driver's own executable */
		}
		fz_child(seed, ncalls, verbose, use_console);
	}
	if (pid < 0) {
		res.status = -1;
		return res;
	}
	for (;;) {
		int st;
		pid_t r = waitpid(pid, &st, WNOHANG | WUNTRACED);

		if (r == pid && WIFSTOPPED(st)) {
			kill(pid, SIGCONT);
			continue;
		}
		if (r == pid) {
			res.status = st;
			break;
		}
		if (!killed_at && now_s() - t0 > timeout) {
			res.timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			killed_at = now_s();
		} else if (killed_at && now_s() - killed_at > 10) {
			res.unkillable = 1;
			break;
		}
		usleep(2000);
	}
	kill(-pid, SIGKILL); /* whatever the seed left in its group */
	reap_orphans();
	if (progress_fd >= 0)
		ftruncate(progress_fd, FZ_PAGE); /* a root seed may have grown it */
	snprintf(dir, sizeof(dir), "/tmp/fz-%d", pid);
	rm_tree(dir);
	snprintf(dir, sizeof(dir), "/tmp/fz-exe-%d", pid);
	unlink(dir);
	res.secs = now_s() - t0;
	res.calls = fz_progress ? fz_progress[0] : 0;
	return res;
}

struct fuzz_stats {
	int seeds, exited, signaled, timed_out, unkillable, no_start;
	long calls;
	int by_signal[65];
	long free_before, free_after;
};

/*
 * Seeds first..first+count-1. The free memory is measured after a warm-up seed (caches the
 * kernel fills once) and after the run; each seed's files are removed when it ends.
 */
static void fuzz_run(uint64_t first, int count, int ncalls, double timeout, int as_root,
		     int verbose, int use_console, struct fuzz_stats *st, int progress)
{
	memset(st, 0, sizeof(*st));
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	run_seed(first + count, ncalls, timeout, as_root, 0, use_console); /* warm-up */
	st->free_before = meminfo_kb("MemFree");
	for (int i = 0; i < count; i++) {
		struct seed_result r;

		if (progress)
			fprintf(stderr, "fuzz: seed %llu\n", (unsigned long long)(first + i));
		r = run_seed(first + i, ncalls, timeout, as_root, verbose, use_console);
		st->seeds++;
		st->calls += r.calls >= 0 && r.calls <= ncalls ? r.calls : 0; /* a child may scribble */
		if (r.unkillable) {
			st->unkillable++;
			fprintf(stderr, "fuzz: seed %llu: child could not be killed\n",
				(unsigned long long)(first + i));
		} else if (r.timed_out) {
			st->timed_out++;
		} else if (WIFEXITED(r.status) && WEXITSTATUS(r.status) >= 90 &&
			   WEXITSTATUS(r.status) <= 98) {
			/* could not set up (a root seed may break /tmp): say why, once */
			if (!st->no_start++ && fz_progress)
				fprintf(stderr, "fuzz: seed %llu could not start: status %d, %s\n",
					(unsigned long long)(first + i), WEXITSTATUS(r.status),
					strerror((int)fz_progress[1]));
		} else if (WIFEXITED(r.status)) {
			st->exited++;
		} else if (WIFSIGNALED(r.status)) {
			st->signaled++;
			st->by_signal[WTERMSIG(r.status) & 63]++;
		}
	}
	st->free_after = meminfo_kb("MemFree");
}

static void print_stats(const struct fuzz_stats *st)
{
	/* on a line of its own: root seeds may have written to the console */
	printf("\nfuzz: %d seeds, %ld calls: %d exited, %d killed by a signal, %d timed out, "
	       "%d unkillable, %d could not start; leak %ld kB (MemFree %ld -> %ld kB)\n",
	       st->seeds, st->calls, st->exited, st->signaled, st->timed_out, st->unkillable,
	       st->no_start, st->free_before - st->free_after, st->free_before, st->free_after);
	printf("fuzz: deaths by signal:");
	for (int s = 1; s < 65; s++)
		if (st->by_signal[s])
			printf(" %s=%d", strsignal(s), st->by_signal[s]);
	printf("\n");
	fflush(stdout);
}

/* Allowed drift of MemFree over a run: kernel caches (dentries, slab pages) settle. */
#define LEAK_SLACK_KB 1024

static int fuzz_main(int argc, char **argv)
{
	uint64_t first;
	int count, ncalls = 500, as_root = 0, verbose = 0, use_console = 0;
	double timeout = 5;
	struct fuzz_stats st;

	if (!in_umlite()) {
		fprintf(stderr, "fuzz: refusing to make random system calls outside um-lite\n");
		return 2;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: %s fuzz FIRST COUNT [calls=N] [timeout=S] [root] "
				"[console] [-v]\n", argv[0]);
		return 2;
	}
	first = strtoull(argv[2], NULL, 0);
	count = atoi(argv[3]);
	for (int i = 4; i < argc; i++) {
		if (!strncmp(argv[i], "calls=", 6))
			ncalls = atoi(argv[i] + 6);
		else if (!strncmp(argv[i], "timeout=", 8))
			timeout = atof(argv[i] + 8);
		else if (!strcmp(argv[i], "root"))
			as_root = 1;
		else if (!strcmp(argv[i], "console"))
			use_console |= 1;
		else if (!strcmp(argv[i], "exec"))
			use_console |= 2; /* mostly execve of mutated ELF files */
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
	}
	fuzz_run(first, count, ncalls, timeout, as_root, verbose, use_console, &st, verbose);
	print_stats(&st);
	/* root seeds may unmount /proc or keep mounts: no leak verdict for them */
	if (as_root)
		return st.unkillable ? 1 : 0;
	return st.unkillable || st.free_before - st.free_after > LEAK_SLACK_KB ? 1 : 0;
}

/* ---- the test suite */

/* Write to path until the filesystem or memory is full; the bytes written. */
static long fill_file(const char *path)
{
	static char blk[1 << 16];
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	long tot = 0, n;

	if (fd < 0)
		return -1;
	memset(blk, 'x', sizeof(blk));
	while ((n = write(fd, blk, sizeof(blk))) > 0)
		tot += n;
	close(fd);
	return tot;
}

/* /proc/meminfo read with system calls only, into memory we touched before: no new page. */
static long read_meminfo(char *buf, size_t len)
{
	int fd = open("/proc/meminfo", O_RDONLY);
	long n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

TEST(a_guest_that_fills_memory_cannot_wedge_the_kernel)
{
	static char buf[4096];
	long before;
	int st;
	pid_t pid;

	if (!in_umlite() || getuid() != 0)
		return; /* natively this would fill the host's memory */
	memset(buf, 0, sizeof(buf));
	before = meminfo_kb("MemFree");
	/*
	 * A child fills a tmpfs as big as memory and stops, holding it all. From then on we
	 * must not fault in a new page (there is none for guests); the kernel has kept its
	 * reserve: it can still open and read /proc, and unlink the file, which frees it all.
	 */
	ASSERT_EQ(0, mkdir("/tmp/oom", 0700));
	ASSERT_EQ(0, mount("none", "/tmp/oom", "tmpfs", 0, "size=100%"));
	pid = fork();
	if (pid == 0) {
		fill_file("/tmp/oom/fill");
		raise(SIGSTOP);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, WUNTRACED));
	EXPECT_TRUE(WIFSTOPPED(st));
	EXPECT_GT(read_meminfo(buf, sizeof(buf)), 0);
	EXPECT_EQ(0, unlink("/tmp/oom/fill"));
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	EXPECT_EQ(0, umount("/tmp/oom"));
	EXPECT_EQ(0, rmdir("/tmp/oom"));
	EXPECT_GT(meminfo_kb("MemFree"), before - LEAK_SLACK_KB);
}

/*
 * Make a thread that sleeps in pause() for ever without touching memory (it runs on our
 * stack pointer, which it never uses). Returns its id or -errno.
 */
long fz_thread_pause(unsigned long flags);
__asm__(".text\n"
	".globl fz_thread_pause\n"
	"fz_thread_pause:\n"
	"	xor %esi, %esi\n"
	"	xor %edx, %edx\n"
	"	xor %r10d, %r10d\n"
	"	xor %r8d, %r8d\n"
	"	mov $56, %eax\n"
	"	syscall\n"
	"	test %rax, %rax\n"
	"	jnz 2f\n"
	"1:	mov $34, %eax\n"
	"	syscall\n"
	"	jmp 1b\n"
	"2:	ret\n");

/* Touch the stack below us now, while guests may still get pages. */
static void __attribute__((noinline)) touch_stack(void)
{
	volatile char pad[65536];

	memset((char *)pad, 1, sizeof(pad));
}

/*
 * "fuzz_test threads": stop once ready; when continued, make sleeping threads until the
 * kernel refuses one, and stop again if the refusal was ENOMEM or EAGAIN (else exit 1).
 */
static int threads_main(void)
{
	static char msg[128];
	long r, n = 0;

	touch_stack();
	memset(msg, 0, sizeof(msg)); /* every page we write later is ours now */
	raise(SIGSTOP);
	do
		r = fz_thread_pause(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
				    CLONE_THREAD | CLONE_SYSVSEM);
	while (r > 0 && ++n < 100000);
	write(2, msg, snprintf(msg, sizeof(msg), "# %ld threads made, then %ld\n", n, r));
	if (r != -ENOMEM && r != -EAGAIN)
		_exit(1);
	raise(SIGSTOP);
	_exit(0);
}

/*
 * "fuzz_test sockets": stop once ready; when continued, fill socket pairs' buffers (non-
 * blocking writes) until the kernel refuses a new pair or every descriptor is used, and
 * stop again. Exit 1 if a write failed with anything but EAGAIN, ENOBUFS or ENOMEM.
 */
static int sockets_main(void)
{
	static char chunk[65536], msg[128];
	long bytes = 0, r = 0;
	int sv[2], pairs = 0, err = 0;

	touch_stack();
	memset(chunk, 'x', sizeof(chunk));
	memset(msg, 0, sizeof(msg));
	raise(SIGSTOP);
	while (pairs < 480 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0) {
		pairs++;
		while ((r = write(sv[0], chunk, sizeof(chunk))) > 0)
			bytes += r;
		if (errno != EAGAIN && errno != ENOBUFS && errno != ENOMEM)
			err = errno;
	}
	write(2, msg, snprintf(msg, sizeof(msg), "# %d socket pairs hold %ld bytes (%s)\n", pairs,
				bytes, strerror(err ? err : errno)));
	if (err)
		_exit(1);
	raise(SIGSTOP);
	_exit(0);
}

/* "fuzz_test fill PATH": fill PATH until memory or the filesystem is full, then stop. */
static int fill_main(const char *path)
{
	fill_file(path);
	raise(SIGSTOP);
	return 0;
}

/* Run this program again in a child as "fuzz_test WORDS..." and wait until it stops. */
static pid_t spawn_self_stopped(const char *w1, const char *w2)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		execl("/proc/self/exe", "fuzz_test", w1, w2, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st))
		return -1;
	return pid;
}

/*
 * A guest fills memory (a tmpfs of size=100%), then a second program ("fuzz_test WHAT")
 * asks for kernel memory in another way until refused, and stops. The kernel must have
 * kept its reserve: it still reads /proc, unlinks the file, and gets all memory back.
 * The children are exec'd copies: nothing of ours is shared copy-on-write, so this test
 * needs no new page once memory is full.
 */
static void fill_then_hog(struct __test_metadata *_metadata, const char *what)
{
	static char buf[4096];
	long before;
	int st;
	pid_t filler, hog;

	memset(buf, 0, sizeof(buf));
	before = meminfo_kb("MemFree");
	ASSERT_EQ(0, mkdir("/tmp/oom2", 0700));
	ASSERT_EQ(0, mount("none", "/tmp/oom2", "tmpfs", 0, "size=100%"));
	hog = spawn_self_stopped(what, NULL);
	ASSERT_LT(0, hog);
	filler = spawn_self_stopped("fill", "/tmp/oom2/fill");
	ASSERT_LT(0, filler);
	kill(hog, SIGCONT);
	ASSERT_EQ(hog, waitpid(hog, &st, WUNTRACED));
	EXPECT_TRUE(WIFSTOPPED(st)) TH_LOG("status %#x", st);
	EXPECT_GT(read_meminfo(buf, sizeof(buf)), 0);
	EXPECT_EQ(0, unlink("/tmp/oom2/fill"));
	kill(hog, SIGKILL);
	kill(filler, SIGKILL);
	waitpid(hog, &st, 0);
	waitpid(filler, &st, 0);
	EXPECT_EQ(0, umount("/tmp/oom2"));
	EXPECT_EQ(0, rmdir("/tmp/oom2"));
	EXPECT_GT(meminfo_kb("MemFree"), before - LEAK_SLACK_KB);
}

/* Threads need no new guest page, only kernel memory (a kernel stack each). */
TEST(threads_cannot_take_the_kernels_reserve)
{
	if (!in_umlite() || getuid() != 0)
		return; /* natively this would fill the host's memory */
	fill_then_hog(_metadata, "threads");
}

/* Data queued on sockets is kernel memory too. */
TEST(socket_buffers_cannot_take_the_kernels_reserve)
{
	if (!in_umlite() || getuid() != 0)
		return;
	fill_then_hog(_metadata, "sockets");
}

TEST(the_number_of_mappings_is_bounded)
{
	/* Split a reserved region page by page (downwards: cheap for the kernel's list). */
	long n = 40000, i, before;
	char *p;

	if (!in_umlite())
		return; /* natively the limit is the host's sysctl vm.max_map_count */
	before = meminfo_kb("MemFree");
	p = mmap(NULL, n * 2 * FZ_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < n; i++)
		if (mprotect(p + (n - 1 - i) * 2 * FZ_PAGE, FZ_PAGE, PROT_READ))
			break;
	EXPECT_EQ(ENOMEM, errno);
	/* about 65530 mappings (Linux's default max_map_count), two per split */
	EXPECT_GT(i, 32000);
	EXPECT_LT(i, 32768);
	EXPECT_EQ(0, munmap(p, n * 2 * FZ_PAGE));
	EXPECT_GT(meminfo_kb("MemFree"), before - 64);
}

/* A vfork parent whose child stops before exec or exit: SIGKILL must still end it. */
TEST(a_vfork_parent_waiting_for_a_stopped_child_can_be_killed)
{
	int p[2], st = 0;
	pid_t parent, child = 0;
	double t0;

	ASSERT_EQ(0, pipe(p));
	parent = fork();
	if (parent == 0) {
		/* the vfork child only makes system calls: safe on a shared stack too */
		if (syscall(SYS_vfork) == 0) {
			pid_t me = syscall(SYS_getpid);

			syscall(SYS_write, p[1], &me, sizeof(me));
			syscall(SYS_kill, me, SIGSTOP);
			syscall(SYS_exit, 0);
		}
		_exit(0);
	}
	ASSERT_EQ(sizeof(child), read(p[0], &child, sizeof(child)));
	usleep(100000); /* the child stops, its parent waits in vfork */
	kill(parent, SIGKILL);
	for (t0 = now_s(); now_s() - t0 < 5; usleep(10000))
		if (waitpid(parent, &st, WNOHANG) == parent)
			break;
	kill(child, SIGKILL);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) TH_LOG("status %#x", st);
	if (!WIFSIGNALED(st))
		waitpid(parent, &st, 0);
	close(p[0]);
	close(p[1]);
}

TEST(thousands_of_random_calls_leave_the_kernel_standing)
{
	struct fuzz_stats st;
	int fd;
	char c;

	if (!in_umlite()) {
		TH_LOG("natively the random calls are not made (they could harm the host)");
		return;
	}
	fuzz_run(1000, 40, 300, 1, 0, 0, 0, &st, 0);
	print_stats(&st);
	EXPECT_EQ(40, st.seeds);
	EXPECT_EQ(0, st.unkillable);
	EXPECT_LT(st.free_before - st.free_after, LEAK_SLACK_KB);
	/* the kernel still answers */
	EXPECT_EQ(getpid(), syscall(SYS_getpid));
	fd = open("/proc/self/status", O_RDONLY);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(1, read(fd, &c, 1));
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "fuzz"))
		return fuzz_main(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "threads") && in_umlite())
		return threads_main();
	if (argc >= 2 && !strcmp(argv[1], "sockets") && in_umlite())
		return sockets_main();
	if (argc >= 3 && !strcmp(argv[1], "fill") && in_umlite())
		return fill_main(argv[2]);
	if (argc >= 7 && !strcmp(argv[1], "seed")) { /* exec_private_copy */
		if (!in_umlite())
			return 2;
		fz_progress = mmap(NULL, FZ_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
				   atoi(argv[6]), 0);
		if (fz_progress == MAP_FAILED)
			fz_progress = NULL;
		close(atoi(argv[6]));
		fz_child(strtoull(argv[2], NULL, 0), atoi(argv[3]), !strcmp(argv[4], "-v"),
			 atoi(argv[5]));
	}
	return test_harness_run(argc, argv);
}
