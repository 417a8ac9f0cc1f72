/*
 * Guest test: a dynamically linked glibc program (built without -static). ld.so maps
 * libc.so.6 from files, applies RELRO with mprotect, sets up TLS with arch_prctl; the
 * program then loads a library of its own with dlopen (dynamic TLS included), runs
 * threads, maps files privately and shared, and execs itself. Runs natively (the oracle)
 * and inside um-lite, whose test image carries the host's ld.so and libc
 * (scripts/mkinitramfs.sh).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

extern char **environ;
static char self_path[4096];

/* Does /proc/self/maps have a mapping of a file whose name ends in name? Its start. */
static unsigned long mapped(const char *name)
{
	char line[512];
	unsigned long lo = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *nl = strchr(line, '\n');
		size_t n = strlen(name);

		if (nl)
			*nl = 0;
		if (strlen(line) >= n && !strcmp(line + strlen(line) - n, name)) {
			lo = strtoul(line, NULL, 16);
			break;
		}
	}
	fclose(f);
	return lo;
}

TEST(ld_so_and_libc_are_mapped_from_their_files)
{
	unsigned long base = getauxval(AT_BASE);

	EXPECT_NE(0UL, base);
	EXPECT_EQ(base, mapped("ld-linux-x86-64.so.2"));
	EXPECT_NE(0UL, mapped("/libc.so.6"));
	EXPECT_NE(0UL, getauxval(AT_PHDR));
}

static void *lib;
static long (*tls_add)(long);

static void open_probe(void)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/libdynprobe.so", dirname(strdup(self_path)));
	lib = dlopen(path, RTLD_NOW);
	tls_add = lib ? (long (*)(long))dlsym(lib, "probe_tls_add") : NULL;
}

static void *tls_thread(void *arg)
{
	long me = (long)arg, bad = 0;

	for (int i = 1; i <= 100; i++)
		bad |= tls_add(me) != 100 + i * me;
	return (void *)bad;
}

TEST(dlopen_loads_a_library_with_its_constructor_and_thread_local_data)
{
	int (*constructed)(void);
	pthread_t th[3];
	void *res;

	open_probe();
	ASSERT_NE(NULL, lib) TH_LOG("dlopen: %s", dlerror());
	ASSERT_NE(NULL, tls_add);
	constructed = (int (*)(void))dlsym(lib, "probe_constructed");
	ASSERT_NE(NULL, constructed);
	EXPECT_EQ(1, constructed());
	EXPECT_NE(0UL, mapped("libdynprobe.so"));
	for (long i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, tls_thread, (void *)(i + 2));
	EXPECT_EQ(107, tls_add(7));
	for (int i = 0; i < 3; i++) {
		pthread_join(th[i], &res);
		EXPECT_EQ(0L, (long)res);
	}
	EXPECT_EQ(0, dlclose(lib));
	EXPECT_EQ(0UL, mapped("libdynprobe.so"));
}

static void *errno_thread(void *arg)
{
	long want = (long)arg;

	errno = 0;
	close(-1); /* EBADF */
	if (want == ENOENT)
		open("/nonexistent/x", O_RDONLY);
	for (int i = 0; i < 20; i++)
		sched_yield();
	return (void *)(long)(errno == want);
}

TEST(errno_is_per_thread)
{
	pthread_t a, b;
	void *ra, *rb;

	pthread_create(&a, NULL, errno_thread, (void *)(long)EBADF);
	pthread_create(&b, NULL, errno_thread, (void *)(long)ENOENT);
	pthread_join(a, &ra);
	pthread_join(b, &rb);
	EXPECT_EQ(1L, (long)ra);
	EXPECT_EQ(1L, (long)rb);
}

static sigjmp_buf segv_jmp;

static void on_segv(int sig)
{
	siglongjmp(segv_jmp, 1);
}

TEST(mprotect_takes_away_and_gives_back_write_access)
{
	struct sigaction sa = { .sa_handler = on_segv };
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile int faulted = 0;

	ASSERT_NE(MAP_FAILED, p);
	sigaction(SIGSEGV, &sa, NULL);
	p[0] = 'a';
	ASSERT_EQ(0, mprotect(p, 8192, PROT_READ));
	if (sigsetjmp(segv_jmp, 1) == 0)
		*(volatile char *)p = 'b';
	else
		faulted = 1;
	EXPECT_EQ(1, faulted);
	EXPECT_EQ('a', p[0]);
	ASSERT_EQ(0, mprotect(p, 8192, PROT_READ | PROT_WRITE));
	p[0] = 'c';
	EXPECT_EQ('c', p[0]);
	munmap(p, 8192);
}

TEST(private_file_mappings_are_copies_and_shared_ones_write_the_file)
{
	char path[] = "/tmp/dynmapXXXXXX", buf[8] = { 0 };
	int fd = mkstemp(path);
	char *priv, *shared;

	ASSERT_GE(fd, 0);
	ASSERT_EQ(4096, ftruncate(fd, 4096) == 0 ? 4096 : -1);
	ASSERT_EQ(5, pwrite(fd, "hello", 5, 0));
	priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, priv);
	ASSERT_NE(MAP_FAILED, shared);
	EXPECT_EQ(0, memcmp(priv, "hello", 5));
	priv[0] = 'J';
	pread(fd, buf, 5, 0);
	EXPECT_STREQ("hello", buf);
	shared[0] = 'Y';
	EXPECT_EQ(0, msync(shared, 4096, MS_SYNC));
	pread(fd, buf, 5, 0);
	EXPECT_STREQ("Yello", buf);
	EXPECT_EQ('J', priv[0]);
	munmap(priv, 4096);
	munmap(shared, 4096);
	close(fd);
	unlink(path);
}

TEST(a_dynamic_program_execs_a_dynamic_program)
{
	char *argv[] = { self_path, "--exec-probe", NULL };
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execve(self_path, argv, environ);
		_exit(99);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(42, WEXITSTATUS(status));
}

int main(int argc, char **argv)
{
	snprintf(self_path, sizeof(self_path), "%s", argv[0]);
	if (argc > 1 && !strcmp(argv[1], "--exec-probe"))
		return getauxval(AT_BASE) && mapped("/libc.so.6") ? 42 : 1;
	return test_harness_run(argc, argv);
}
