/*
 * The system-call fuzzer, part 2: one seed. Its world (scratch memory, files, descriptors,
 * paths), the scenarios of the calls that need more than random arguments, and the loop of
 * the child process that makes the calls (part 1, fuzz.h, generates the values).
 */
#ifndef FUZZ_SEED_H
#define FUZZ_SEED_H

#include "fuzz.h"

/* ---- the scratch world of one seed */

static void fz_say(struct fz *f, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (!f->verbose)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	fz_raw(SYS_write, 2, (long)buf, n, 0, 0, 0);
}

static void fz_add_path(struct fz *f, char **at, const char *s)
{
	size_t n = strlen(s) + 1;

	if (f->npaths >= (int)(sizeof(f->paths) / sizeof(f->paths[0])) ||
	    *at + n > f->strs + 3 * FZ_PAGE)
		return;
	memcpy(*at, s, n);
	f->paths[f->npaths++] = *at;
	*at += n;
}

static void fz_add_fd(struct fz *f, long fd)
{
	if (fd >= 0 && f->nfds < (int)(sizeof(f->fds) / sizeof(f->fds[0])))
		f->fds[f->nfds++] = fd;
}

static void fz_write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		return;
	if (write(fd, buf, len) < 0)
		(void)0;
	close(fd);
}

/* A tiny static ELF (exit(7)), with random damage to its headers when mutate is set. */
static void fz_make_elf(struct fz *f, const char *path, int mutate)
{
	static const unsigned char code[] = { 0xb8, 60, 0, 0, 0, 0xbf, 7, 0, 0, 0, 0x0f, 0x05 };
	unsigned char img[512];
	uint64_t *w;

	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF\2\1\1", 7);
	img[16] = 2;     /* ET_EXEC */
	img[18] = 62;    /* EM_X86_64 */
	img[20] = 1;
	w = (uint64_t *)(img + 24);
	w[0] = 0x400000 + 0x100; /* e_entry */
	w[1] = 64;               /* e_phoff */
	img[52] = 64;            /* e_ehsize */
	img[54] = 56;            /* e_phentsize */
	img[56] = 3;             /* e_phnum */
	/* PT_LOAD of the whole file at 0x400000, r-x */
	w = (uint64_t *)(img + 64);
	((uint32_t *)w)[0] = 1;
	((uint32_t *)w)[1] = 5;
	w[1] = 0;
	w[2] = 0x400000;
	w[3] = 0x400000;
	w[4] = sizeof(img);
	w[5] = sizeof(img);
	w[6] = 0x1000;
	/* a PT_NULL that mutation may turn into PT_INTERP (path at 0x180) or a second load */
	w = (uint64_t *)(img + 120);
	w[1] = 0x180;
	w[4] = 16;
	w[5] = 16;
	strcpy((char *)img + 0x180, f->dir);
	strcat((char *)img + 0x180, "/e2");
	/* PT_GNU_STACK */
	w = (uint64_t *)(img + 176);
	((uint32_t *)w)[0] = 0x6474e551;
	((uint32_t *)w)[1] = 6;
	memcpy(img + 0x100, code, sizeof(code));
	if (mutate) {
		int n = 1 + (int)fz_below(f, 6);

		for (int i = 0; i < n; i++) {
			size_t at = fz_below(f, 232);

			if (fz_below(f, 2))
				img[at] = (unsigned char)fz_rand(f);
			else if (at <= 224)
				memcpy(img + (at & ~7UL), &(uint64_t){ fz_int(f) }, 8);
		}
		if (fz_below(f, 4) == 0)
			((uint32_t *)(img + 120))[0] = 3; /* PT_INTERP */
	}
	fz_write_file(path, img, mutate && fz_below(f, 4) == 0 ? fz_below(f, sizeof(img)) :
								 sizeof(img), 0755);
}

static void fz_make_files(struct fz *f)
{
	char p[128], buf[4096];

	snprintf(p, sizeof(p), "%s/f", f->dir);
	fz_write_file(p, "hello, fuzz\n", 12, 0644);
	snprintf(p, sizeof(p), "%s/d", f->dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/d/x", f->dir);
	fz_write_file(p, "x", 1, 0600);
	snprintf(p, sizeof(p), "%s/l", f->dir);
	symlink("f", p);
	snprintf(p, sizeof(p), "%s/loop", f->dir);
	symlink("loop", p);
	snprintf(p, sizeof(p), "%s/fifo", f->dir);
	mkfifo(p, 0644);
	/* executables: garbage, a mutated ELF, and #! scripts */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)fz_rand(f);
	if (fz_below(f, 2))
		memcpy(buf, "\177ELF\2\1\1", 7);
	snprintf(p, sizeof(p), "%s/e1", f->dir);
	fz_write_file(p, buf, fz_below(f, sizeof(buf)), 0755);
	snprintf(p, sizeof(p), "%s/e2", f->dir);
	fz_make_elf(f, p, 1);
	snprintf(p, sizeof(p), "%s/e3", f->dir);
	snprintf(buf, sizeof(buf), "#!%s/e3 -x\n", f->dir); /* a loop of interpreters */
	fz_write_file(p, buf, strlen(buf), 0755);
	snprintf(p, sizeof(p), "%s/e4", f->dir);
	switch (fz_below(f, 4)) {
	case 0:
		snprintf(buf, sizeof(buf), "#!%s/e2\n", f->dir);
		break;
	case 1:
		snprintf(buf, sizeof(buf), "#!\n");
		break;
	case 2:
		memset(buf, 'a', sizeof(buf));
		memcpy(buf, "#!/", 3);
		buf[sizeof(buf) - 1] = 0;
		break;
	default:
		snprintf(buf, sizeof(buf), "#! %s/e1 %s\n", f->dir, "arg with spaces");
	}
	fz_write_file(p, buf, strlen(buf), 0755);
}

static void fz_make_paths(struct fz *f)
{
	static const char *const fixed[] = {
		"/", ".", "..", "", "/proc/self/maps", "/proc/self/mem", "/proc/self/fd/0",
		"/proc/self/status", "/proc/1/status", "/proc/self/exe", "/proc/meminfo",
		"/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/nonexistent/x",
		"/tmp", "/proc", "/dev", "/sys", "/proc/self/fd/3", "/proc/self/cwd/..",
	};
	static const char *const mine[] = { "", "/f", "/d", "/d/x", "/l", "/loop", "/fifo",
					    "/e1", "/e2", "/e3", "/e4", "/new", "/d/new",
					    "/l/x", "/f/x", "/../../tmp" };
	char *at = f->strs, p[300];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		fz_add_path(f, &at, fixed[i]);
	for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", f->dir, mine[i]);
		fz_add_path(f, &at, p);
		if (i == 1)
			f->p_file = f->paths[f->npaths - 1];
		if (i >= 7 && i <= 10)
			f->p_exe[i - 7] = f->paths[f->npaths - 1];
	}
	if (f->use_console) {
		fz_add_path(f, &at, "/dev/console");
		fz_add_path(f, &at, "/dev/tty");
	}
	/* a 255-byte and a 256-byte component, and a path longer than PATH_MAX */
	snprintf(p, sizeof(p), "%s/", f->dir);
	memset(p + strlen(p), 'n', 255);
	p[strlen(f->dir) + 1 + 255] = 0;
	fz_add_path(f, &at, p);
	p[strlen(f->dir) + 1 + 255] = 'n';
	p[strlen(f->dir) + 1 + 256] = 0;
	fz_add_path(f, &at, p);
	/* the long path lives at the end of the string pages, unterminated before the hole */
	memset(f->strs + 3 * FZ_PAGE, '/', FZ_PAGE);
	f->paths[f->npaths++] = f->strs + 3 * FZ_PAGE;
	memset(f->rw + FZ_RW_PAGES * FZ_PAGE - 300, 'a', 300);
	f->paths[f->npaths++] = f->rw + FZ_RW_PAGES * FZ_PAGE - 300;
}

/* Fill part of the scratch pages with values that look like pointers, lengths and fds. */
static void fz_refill(struct fz *f)
{
	uint64_t *w = (uint64_t *)(f->rw + fz_below(f, FZ_RW_PAGES - 1) * FZ_PAGE);
	uint64_t *end = w + FZ_PAGE / 8;

	/* the last bytes of rw hold an unterminated string: leave them */
	for (; w < end; w++) {
		switch (fz_below(f, 4)) {
		case 0:
			*w = fz_ptr(f);
			break;
		case 1:
			*w = fz_len(f);
			break;
		case 2:
			*w = fz_int(f) & 0xffffffff;
			break;
		default:
			*w = fz_rand(f);
		}
	}
}

/* Set up the world of one seed: memory regions, files, descriptors. 0 or -1. */
static int fz_setup(struct fz *f, uint64_t seed, int verbose, int use_console)
{
	char *base;
	int p[2];

	memset(f, 0, sizeof(*f));
	f->s = seed * 0x9e3779b97f4a7c15ULL + 1;
	f->verbose = verbose;
	f->use_console = use_console;
	snprintf(f->dir, sizeof(f->dir), "/tmp/fz-%d", getpid());
	if (mkdir(f->dir, 0755) < 0 && errno != EEXIST)
		return -1;
	/* [rw x16][hole][ro][none][strs x4][hole] */
	base = mmap(NULL, (FZ_RW_PAGES + 9) * FZ_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	f->rw = base;
	f->hole = base + FZ_RW_PAGES * FZ_PAGE;
	f->ro = f->hole + FZ_PAGE;
	f->none = f->ro + FZ_PAGE;
	f->strs = f->none + FZ_PAGE;
	munmap(f->hole, FZ_PAGE);
	munmap(f->strs + 4 * FZ_PAGE, FZ_PAGE);
	mprotect(f->ro, FZ_PAGE, PROT_READ);
	mprotect(f->none, FZ_PAGE, PROT_NONE);
	f->zone = mmap(NULL, FZ_ZONE_PAGES * FZ_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (f->zone == MAP_FAILED)
		return -1;
	munmap(f->zone, FZ_ZONE_PAGES * FZ_PAGE);
	for (int i = 0; i < FZ_RW_PAGES - 1; i++)
		fz_refill(f);
	fz_make_files(f);
	fz_make_paths(f);
	/* descriptors of every kind */
	fz_add_fd(f, open(f->p_file, O_RDWR));
	fz_add_fd(f, open(f->dir, O_RDONLY | O_DIRECTORY));
	fz_add_fd(f, open("/dev/null", O_RDWR));
	fz_add_fd(f, open("/dev/zero", O_RDONLY));
	fz_add_fd(f, open("/dev/urandom", O_RDONLY));
	fz_add_fd(f, open("/proc/self/maps", O_RDONLY));
	fz_add_fd(f, open("/proc", O_RDONLY | O_DIRECTORY));
	if (pipe(p) == 0) {
		fz_add_fd(f, p[0]);
		fz_add_fd(f, p[1]);
	}
	if (pipe2(p, O_NONBLOCK) == 0) {
		fz_add_fd(f, p[0]);
		fz_add_fd(f, p[1]);
	}
	if (use_console)
		fz_add_fd(f, open("/dev/console", O_RDWR | O_NOCTTY));
	{
		int fd = open(f->p_file, O_RDWR);

		f->fmap = mmap(NULL, FZ_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (f->fmap == MAP_FAILED)
			f->fmap = f->ro;
		fz_add_fd(f, fd);
	}
	f->pids[f->npids++] = getpid();
	if (getuid() != 0)
		f->pids[f->npids++] = getppid(); /* root could kill the driver */
	fz_raw(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, (long)&f->fs_base, 0, 0, 0, 0);
	return 0;
}

/* ---- scenarios for calls that need more than random arguments */

static long fz_do_sigaction(struct fz *f, long a[6])
{
	uint64_t *sa = (uint64_t *)(f->rw + fz_below(f, FZ_RW_PAGES - 1) * FZ_PAGE);
	static const uint64_t flagbits[] = { SA_SIGINFO, SA_ONSTACK, SA_RESTART, SA_NODEFER,
					     SA_RESETHAND, SA_NOCLDSTOP, SA_NOCLDWAIT,
					     0x04000000 /* SA_RESTORER */ };

	switch (fz_below(f, 4)) {
	case 0:
		sa[0] = (uint64_t)SIG_DFL;
		break;
	case 1:
		sa[0] = (uint64_t)SIG_IGN;
		break;
	case 2:
		sa[0] = fz_ptr(f);
		break;
	default:
		sa[0] = (uint64_t)fz_handler;
	}
	sa[1] = 0;
	for (int i = (int)fz_below(f, 4); i > 0; i--)
		sa[1] |= FZ_PICK(f, flagbits);
	if (fz_below(f, 8) == 0)
		sa[1] = fz_rand(f);
	sa[2] = fz_below(f, 4) ? (uint64_t)fz_restorer : fz_ptr(f);
	sa[3] = fz_below(f, 2) ? 0 : fz_rand(f);
	a[0] = fz_sig(f);
	a[1] = fz_below(f, 8) ? (long)sa : (long)fz_ptr(f);
	a[2] = fz_below(f, 2) ? 0 : (long)fz_ptr(f);
	a[3] = fz_below(f, 8) ? 8 : (long)fz_len(f);
	return -1;
}

/* A garbage (or half-garbage) signal frame, then rt_sigreturn on it. */
static long fz_do_sigreturn(struct fz *f)
{
	unsigned long frame;
	uint64_t *w;

	if (fz_below(f, 6) == 0) {
		fz_say(f, "rt_sigreturn at a wild %%rsp\n");
		fz_sigreturn_at(fz_ptr(f));
		return 0;
	}
	/* high in rw: a refused frame is followed by a SIGSEGV frame below it */
	frame = (unsigned long)f->rw + 4 * FZ_PAGE + 8 * fz_below(f, (FZ_RW_PAGES - 6) * FZ_PAGE / 8);
	w = (uint64_t *)frame;
	for (int i = 0; i < 128; i++)
		w[i] = fz_below(f, 3) ? fz_int(f) : fz_ptr(f);
	/* pretcode, then struct ucontext: flags, link, stack (3 words), mcontext (r8..) */
	if (fz_below(f, 4)) {
		/* mcontext starts at word 6: r8..r15 di si bp bx dx ax cx sp ip flags cs.. */
		w[6 + 15] = (uint64_t)fz_landing_stack + sizeof(fz_landing_stack) - 64;
		w[6 + 16] = (uint64_t)fz_landing;
		if (fz_below(f, 2))
			w[6 + 17] = 0x202; /* eflags */
		if (fz_below(f, 2))
			w[6 + 23] = 0; /* fpstate: none */
		else if (fz_below(f, 2))
			w[6 + 23] = ((uint64_t)f->rw + fz_below(f, 8 * FZ_PAGE)) & ~63UL;
	}
	fz_landed = 0;
	fz_say(f, "rt_sigreturn on a garbage frame at %#lx\n", frame);
	if (sigsetjmp(fz_jmp, 1) == 0)
		fz_sigreturn_at(frame);
	/* landed: our registers came back from the frame; %fs is untouched */
	return 0;
}

static long min_l(long a, long b)
{
	return a < b ? a : b;
}

static void fz_loop(struct fz *f);

/* A thread that fuzzes alongside the seed's main thread, on a copy of its state. */
static void *fz_thread_main(void *arg)
{
	struct fz *t = arg;
	stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536 };

	if (ss.ss_sp)
		sigaltstack(&ss, NULL);
	fz_raw(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, (long)&t->fs_base, 0, 0, 0, 0);
	fz_loop(t);
	return NULL;
}

/*
 * Start a thread that goes on fuzzing for a while (threads share the address space, the
 * descriptors and the handlers: their calls race with ours in the kernel). 0 or -1.
 */
static long fz_spawn_thread(struct fz *f)
{
	struct fz *t = malloc(sizeof(*t));
	pthread_t th;

	if (!t)
		return -1;
	*t = *f;
	t->s ^= (uint64_t)(f->threads + 1) * 0xbf58476d1ce4e5b9ULL;
	t->threads = FZ_THREADS;
	t->forks = FZ_FORKS;
	t->limit = t->ncalls + 200;
	f->threads++;
	fz_say(f, "a thread, fuzzing too\n");
	if (pthread_create(&th, NULL, fz_thread_main, t) != 0) {
		free(t);
		return -1;
	}
	pthread_detach(th);
	return 0;
}

static long fz_do_clone(struct fz *f, long nr)
{
	static const uint64_t bits[] = { 0x100 /* VM */, 0x200 /* FS */, 0x400 /* FILES */,
					 0x800 /* SIGHAND */, 0x1000 /* PIDFD */, 0x2000,
					 0x4000 /* VFORK */, 0x8000 /* PARENT */,
					 0x10000 /* THREAD */, 0x20000 /* NEWNS */, 0x40000,
					 0x80000 /* SETTLS */, 0x100000 /* PARENT_SETTID */,
					 0x200000 /* CHILD_CLEARTID */, 0x1000000 /* CHILD_SETTID */,
					 0x10000000 /* NEWUSER */, 0x20000000 /* NEWPID */ };
	uint64_t flags = fz_below(f, 3) ? SIGCHLD : fz_sig(f) & 0xff;
	long r, args[6] = { 0 };

	/* Now and then a child that goes on fuzzing for a while, alongside us. */
	if (nr == SYS_fork && f->forks < FZ_FORKS && fz_below(f, 2)) {
		f->forks++;
		fz_say(f, "fork, the child fuzzing too\n");
		r = fz_raw(SYS_fork, 0, 0, 0, 0, 0, 0);
		if (r == 0) {
			fz_progress = NULL;
			f->pids[0] = getpid();
			f->s ^= (uint64_t)f->pids[0] * 0x9e3779b97f4a7c15ULL;
			f->forks = FZ_FORKS;
			f->limit = min_l(f->limit, f->ncalls + 200);
		} else if (r > 0 && f->npids < 8) {
			f->pids[f->npids++] = r;
		}
		return r;
	}

	if (nr == SYS_clone && f->threads < FZ_THREADS && fz_below(f, 3) == 0)
		return fz_spawn_thread(f);
	for (int i = (int)fz_below(f, 4); i > 0; i--)
		flags |= FZ_PICK(f, bits);
	if (fz_below(f, 10) == 0)
		flags = fz_rand(f);
	if (nr == SYS_clone3) {
		uint64_t *ca = (uint64_t *)(f->rw + 8 * fz_below(f, (FZ_RW_PAGES - 1) * 512));

		ca[0] = flags & ~0xffULL;
		for (int i = 1; i < 11; i++)
			ca[i] = fz_below(f, 2) ? 0 : fz_typed(f, '*');
		ca[4] = flags & 0xff; /* exit_signal */
		args[0] = fz_below(f, 8) ? (long)ca : (long)fz_ptr(f);
		args[1] = fz_below(f, 3) ? 88 : (long)fz_len(f);
	} else {
		args[0] = (long)flags;
		args[1] = fz_below(f, 4) ? 0 : (long)fz_ptr(f); /* new stack */
		args[2] = (long)fz_ptr(f);
		args[3] = (long)fz_ptr(f);
		args[4] = (long)fz_ptr(f);
	}
	fz_say(f, "%s(%#lx, %#lx, ...)\n", nr == SYS_clone3 ? "clone3" : "clone-family",
	       args[0], args[1]);
	r = fz_clone_raw(nr, args[0], args[1], args[2], args[3], args[4]);
	if (r > 0 && f->npids < 8)
		f->pids[f->npids++] = r;
	return r;
}

static long fz_do_execve(struct fz *f, long nr, long a[6])
{
	uint64_t *argv = (uint64_t *)(f->rw + FZ_PAGE * fz_below(f, FZ_RW_PAGES - 4));
	long n = fz_below(f, 4) ? (long)fz_below(f, 8) : (long)fz_below(f, 3 * FZ_PAGE / 8);

	/* an argv of our strings (long ones make E2BIG likely), or garbage */
	for (long i = 0; i < n; i++)
		argv[i] = fz_below(f, 16) ? (uint64_t)f->paths[fz_below(f, f->npaths)] : fz_ptr(f);
	argv[n] = 0;
	if (fz_below(f, 4) == 0)
		fz_make_elf(f, f->p_exe[1], 1); /* a fresh mutation of dir/e2 */
	if (nr == SYS_execveat) {
		a[0] = fz_fd(f);
		a[1] = (long)fz_path(f);
		a[4] = fz_below(f, 2) ? 0 : (long)fz_flags(f);
	} else {
		/* dir/e1..e4 mostly */
		a[0] = fz_below(f, 4) ? (long)f->p_exe[fz_below(f, 4)] : (long)fz_path(f);
		a[1] = fz_below(f, 8) ? (long)argv : (long)fz_ptr(f);
		a[2] = fz_below(f, 2) ? (long)argv : (long)fz_ptr(f);
		return -1;
	}
	a[2] = fz_below(f, 8) ? (long)argv : (long)fz_ptr(f);
	a[3] = (long)argv;
	return -1;
}

static long fz_do_ioctl(struct fz *f, long a[6])
{
	static const uint64_t reqs[] = {
		0x5401 /* TCGETS */, 0x5402 /* TCSETS */, 0x5403, 0x5404, 0x5405 /* TCGETA */,
		0x5406, 0x5409 /* TCSBRK */, 0x540a /* TCXONC */, 0x540b /* TCFLSH */,
		0x540c /* TIOCEXCL */, 0x540d, 0x540e /* TIOCSCTTY */, 0x540f /* TIOCGPGRP */,
		0x5410 /* TIOCSPGRP */, 0x5411 /* TIOCOUTQ */, 0x5412 /* TIOCSTI */,
		0x5413 /* TIOCGWINSZ */, 0x5414 /* TIOCSWINSZ */, 0x5415, 0x541b /* FIONREAD */,
		0x541c, 0x541d, 0x5421 /* FIONBIO */, 0x5422 /* TIOCNOTTY */, 0x5423, 0x5424,
		0x5425 /* TCSBRKP */, 0x5427, 0x5428, 0x5429 /* TIOCGSID */, 0x802c542a,
		0x402c542b, 0x80045430 /* TIOCGPTN */, 0x40045431 /* TIOCSPTLCK */, 0x5450,
		0x5451 /* FIOCLEX */, 0x5452, 0x5453, 0x5456, 0x5457, 0x4b33 /* KDGKBTYPE */,
		0x5600, 0x5603, 0x5606, 0x80086601, 0x40086602, 0x541e, 0x5420,
	};

	a[0] = fz_fd(f);
	if (f->use_console && fz_below(f, 2))
		a[0] = f->fds[f->nfds - 2]; /* the console (the last two: console, mapped file) */
	a[1] = fz_below(f, 6) ? (long)FZ_PICK(f, reqs) : (long)fz_int(f);
	a[2] = fz_below(f, 4) ? (long)fz_ptr(f) : (long)fz_int(f);
	return -1;
}

static long fz_do_arch_prctl(struct fz *f)
{
	static const long codes[] = { 0x1001, 0x1002, 0x1003, 0x1004, 0x1011, 0x1012, 0x2001,
				      0x2002, 0x3001, 0 };
	long code = fz_below(f, 8) ? FZ_PICK(f, codes) : (long)fz_int(f);
	long addr = fz_below(f, 2) ? (long)fz_ptr(f) : (long)fz_int(f);
	long r;

	fz_say(f, "arch_prctl(%#lx, %#lx)\n", code, addr);
	r = fz_raw(SYS_arch_prctl, code, addr, 0, 0, 0, 0);
	/* %fs must be ours again before any C code touches TLS */
	fz_raw(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, (long)f->fs_base, 0, 0, 0, 0);
	return r;
}

/* ---- one call */

static long fz_pick_nr(struct fz *f)
{
	switch (fz_below(f, 16)) {
	case 0:
		return FZ_PICK(f, ((const long[]){ -1, 461, 512, 1000, 0x40000000 | 39,
						   0x40000000 | 0, (long)0x80000000, 1L << 40 }));
	case 1: case 2: case 3: case 4: case 5: case 6: case 7:
		return fz_below(f, FZ_NR_MAX);
	default:
		return FZ_PICK(f, fz_hot);
	}
}

/* Make one random call. Returns its number. */
static long fz_one(struct fz *f)
{
	long nr = fz_pick_nr(f), a[6], r;
	const char *sig = nr >= 0 && nr < FZ_NR_MAX ? fz_sigs[nr] : NULL;

	if (f->ncalls++ % 32 == 0)
		fz_refill(f);
	if (fz_progress)
		*fz_progress = f->ncalls;
	for (int i = 0; i < 6; i++)
		a[i] = (long)fz_typed(f, sig ? (sig[i] ? sig[i] : '-') : '*');
	if (f->exec_mode && fz_below(f, 2)) {
		fz_make_elf(f, f->p_exe[1], 1);
		a[0] = (long)f->p_exe[fz_below(f, 3) ? 1 : fz_below(f, 4)];
		a[1] = (long)f->paths;
		a[2] = 0;
		nr = SYS_execve;
	}
	switch (nr) {
	case SYS_exit:
	case SYS_exit_group:
		return nr; /* would end the seed early; nothing to learn */
	case SYS_rt_sigreturn:
		fz_do_sigreturn(f);
		return nr;
	case SYS_clone:
	case SYS_fork:
	case SYS_vfork:
	case SYS_clone3:
		fz_do_clone(f, nr);
		return nr;
	case SYS_arch_prctl:
		fz_do_arch_prctl(f);
		return nr;
	case SYS_rt_sigaction:
		fz_do_sigaction(f, a);
		break;
	case SYS_execve:
	case SYS_execveat:
		if (f->exec_mode)
			break;
		if (fz_below(f, 4))
			return nr; /* a success ends the seed: not too often */
		fz_do_execve(f, nr, a);
		break;
	case SYS_ioctl:
		fz_do_ioctl(f, a);
		break;
	case SYS_kill:
	case SYS_tkill:
		/* mostly ourselves, and not SIGKILL/SIGSTOP all the time */
		if (fz_below(f, 2))
			a[0] = f->pids[0];
		if (a[1] == SIGKILL && fz_below(f, 4))
			a[1] = SIGUSR1;
		break;
	case SYS_reboot:
		if (getuid() == 0)
			return nr; /* root fuzzing: would halt the instance */
		break;
	default:
		break;
	}
	fz_say(f, "%ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", nr, a[0], a[1], a[2], a[3], a[4],
	       a[5]);
	r = fz_raw(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	fz_say(f, "  = %ld\n", r);
	return nr;
}

static void fz_alarm(int sig)
{
	(void)sig;
}

/* Per thread: a fault goes back to the loop of the thread that took it. */
static __thread sigjmp_buf fz_loop_jmp;
static __thread volatile int fz_faults;

/* A fault (or a fault signal sent to ourselves): back to the loop, up to a limit. */
static void fz_fault(int sig)
{
	(void)sig;
	if (++fz_faults > 64)
		fz_raw(SYS_exit_group, 0, 0, 0, 0, 0, 0);
	siglongjmp(fz_loop_jmp, 1);
}

static void fz_set_handler(int sig, void (*fn)(int), unsigned long flags)
{
	/* the kernel's struct sigaction: glibc refuses its own signals 32 and 33 */
	uint64_t ksa[4] = { (uint64_t)fn, flags | 0x04000000 /* SA_RESTORER */,
			    (uint64_t)fz_restorer, 0 };

	fz_raw(SYS_rt_sigaction, sig, (long)ksa, 0, 8, 0, 0);
}

/*
 * The periodic SIGALRM that breaks blocking calls: armed at the start and again after any
 * call that may have disarmed, ignored or blocked it (the parent's deadline covers the rest).
 */
static void fz_arm_alarm(void)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	uint64_t set = 1ULL << (SIGALRM - 1);

	fz_set_handler(SIGALRM, fz_alarm, 0);
	fz_raw(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
	fz_raw(SYS_setitimer, ITIMER_REAL, (long)&it, 0, 0, 0, 0);
}

/* Signals we may send ourselves are caught; faults go back to the loop (fz_fault). */
static void fz_catch_signals(void)
{
	for (int sig = 1; sig < 65; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGALRM)
			continue;
		if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
		    sig == SIGTRAP)
			fz_set_handler(sig, fz_fault, SA_NODEFER | SA_ONSTACK);
		else
			fz_set_handler(sig, fz_alarm, SA_RESTART);
	}
}

/*
 * The body of a seed's child: set up, then make ncalls calls. Faults, our own signals and
 * blocking calls are survived as far as the fuzz leaves us the means to (it may unmap our
 * stack, reset our handlers...): the child then dies, which is fine.
 */
/* use_console: 1 console, 2 exec mode (bits). */
static void fz_child(uint64_t seed, int ncalls, int verbose, int use_console)
{
	static struct fz f;

	static char altstack[65536] __attribute__((aligned(64)));
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };

	sigaltstack(&ss, NULL); /* faults with a wild %rsp still reach fz_fault */
	fz_catch_signals();
	if (fz_setup(&f, seed, verbose, use_console & 1) < 0)
		_exit(90);
	f.exec_mode = (use_console & 2) != 0;
	fz_arm_alarm();
	f.limit = ncalls;
	fz_loop(&f);
	_exit(0);
}

/* Make calls until f->limit; a fault lands back here (fz_fault). */
static void fz_loop(struct fz *f)
{
	sigsetjmp(fz_loop_jmp, 0);
	while (f->ncalls < f->limit) {
		long nr = fz_one(f);

		if (nr == SYS_rt_sigaction || nr == SYS_rt_sigprocmask || nr == SYS_alarm ||
		    nr == SYS_setitimer || nr == SYS_rt_sigreturn)
			fz_arm_alarm();
	}
}

#endif
