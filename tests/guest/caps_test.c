/*
 * Guest test: capabilities as capabilities(7) describes them. A root process that drops a
 * capability from its effective set loses the privileged call; keepcaps keeps the
 * permitted set across setuid so capset can raise it again (setpriv --reuid); ambient
 * capabilities survive execve of an unprivileged program; a bounding-set drop takes the
 * capability from what root gets at execve; capset's and the prctls' errors; and
 * /proc/self/status's Cap lines. Runs natively as root (the oracle) and inside um-lite.
 * Sets are compared with what the process had at the start, never with a fixed full set
 * (a container's root may lack some capabilities).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/securebits.h>

#include "kselftest_harness.h"
#include "cred_helpers.h"

#define BIT(cap) (1ULL << (cap))
#define FS_CAPS                                                                        \
	(BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_FOWNER) | \
	 BIT(CAP_FSETID) | BIT(CAP_LINUX_IMMUTABLE) | BIT(CAP_MAC_OVERRIDE) | BIT(CAP_MKNOD))

struct caps {
	uint64_t eff, prm, inh;
};

static int get_caps(struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	c->eff = d[0].effective | (uint64_t)d[1].effective << 32;
	c->prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

static int set_caps(const struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(c->eff >> (32 * i));
		d[i].permitted = (uint32_t)(c->prm >> (32 * i));
		d[i].inheritable = (uint32_t)(c->inh >> (32 * i));
	}
	return syscall(SYS_capset, &h, d) ? errno : 0;
}

static uint64_t ambient_set(void)
{
	uint64_t a = 0;

	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0) == 1)
			a |= BIT(c);
	}
	return a;
}

/* The "--report" mode: print the sets after execve and whether a raw socket opens. */
static int report_main(void)
{
	struct caps c;
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	int raw = s >= 0 ? 0 : errno;

	if (get_caps(&c))
		return 1;
	printf("%llx %llx %llx %llx %d\n", (unsigned long long)c.eff, (unsigned long long)c.prm,
	       (unsigned long long)c.inh, (unsigned long long)ambient_set(), raw);
	return 0;
}

/* Exec this program with --report and read back what it saw. 0 or -1. */
static int exec_report(struct caps *c, uint64_t *amb, int *raw)
{
	char buf[256] = "";
	unsigned long long e, p, i, a;
	int fds[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "caps_test", "--report", NULL };

		dup2(fds[1], 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	waitpid(pid, &st, 0);
	if (n <= 0 || sscanf(buf, "%llx %llx %llx %llx %d", &e, &p, &i, &a, raw) != 5)
		return -1;
	c->eff = e;
	c->prm = p;
	c->inh = i;
	*amb = a;
	return 0;
}

static uint64_t bounding_set(void)
{
	uint64_t b = 0;

	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			b |= BIT(c);
	}
	return b;
}

TEST(root_starts_with_its_sets_and_proc_status_shows_them)
{
	struct caps c;

	ASSERT_EQ(0, getuid());
	ASSERT_EQ(0, get_caps(&c));
	EXPECT_EQ(c.prm, c.eff);
	EXPECT_NE(0, c.eff & BIT(CAP_CHOWN));
	EXPECT_NE(0, c.eff & BIT(CAP_SETUID));
	EXPECT_EQ(c.inh, proc_status_hex("CapInh"));
	EXPECT_EQ(c.prm, proc_status_hex("CapPrm"));
	EXPECT_EQ(c.eff, proc_status_hex("CapEff"));
	EXPECT_EQ(bounding_set(), proc_status_hex("CapBnd"));
	EXPECT_EQ(0, proc_status_hex("CapAmb"));
	EXPECT_EQ(-1, prctl(PR_CAPBSET_READ, CAP_LAST_CAP + 1, 0, 0, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* A root service that lowers its effective set loses exactly those privileges. */
TEST(dropping_an_effective_capability_makes_the_call_fail)
{
	char path[] = "/tmp/caps_XXXXXX";
	struct caps c, low;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fchmod(fd, 0));
	ASSERT_EQ(0, fchown(fd, 4321, 4321));
	close(fd);
	ASSERT_EQ(0, get_caps(&c));
	low = c;
	low.eff &= ~(BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_DAC_READ_SEARCH));
	ASSERT_EQ(0, set_caps(&low));
	EXPECT_EQ(low.eff, proc_status_hex("CapEff"));
	EXPECT_EQ(-1, chown(path, 1234, 1234));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, open(path, O_RDONLY));
	EXPECT_EQ(EACCES, errno);
	/* Still permitted: raising the effective set again restores both. */
	ASSERT_EQ(0, set_caps(&c));
	EXPECT_EQ(0, chown(path, 1234, 1234));
	fd = open(path, O_RDONLY);
	EXPECT_LE(0, fd);
	close(fd);
	/* Gone from the permitted set: setuid is refused and cannot be raised again. */
	low = c;
	low.prm &= ~BIT(CAP_SETUID);
	low.eff &= ~BIT(CAP_SETUID);
	ASSERT_EQ(0, set_caps(&low));
	EXPECT_EQ(-1, setuid(1000));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(EPERM, set_caps(&c));
	unlink(path);
}

/* setpriv --reuid=1000: PR_SET_KEEPCAPS, setresuid, then capset raises the kept set. */
TEST(keepcaps_across_setuid_then_capset_raises_again)
{
	struct caps c, now, want;

	ASSERT_EQ(0, get_caps(&c));
	ASSERT_EQ(0, prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	EXPECT_EQ(1, prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	EXPECT_EQ(SECBIT_KEEP_CAPS, prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
	ASSERT_EQ(0, setresuid(1000, 1000, 1000));
	ASSERT_EQ(0, get_caps(&now));
	EXPECT_EQ(0, now.eff);
	EXPECT_EQ(c.prm, now.prm);
	want = now;
	want.eff = BIT(CAP_SETUID) | BIT(CAP_CHOWN);
	EXPECT_EQ(0, set_caps(&want));
	EXPECT_EQ(want.eff, proc_status_hex("CapEff"));
	EXPECT_EQ(0, setuid(2000)); /* CAP_SETUID in effect again while uid 1000 */
	EXPECT_EQ(2000, getuid());
}

TEST(setuid_without_keepcaps_clears_and_seteuid_switches_effective)
{
	struct caps c, now;

	ASSERT_EQ(0, get_caps(&c));
	ASSERT_EQ(0, seteuid(1000));
	ASSERT_EQ(0, get_caps(&now));
	EXPECT_EQ(0, now.eff);
	EXPECT_EQ(c.prm, now.prm);
	ASSERT_EQ(0, seteuid(0));
	ASSERT_EQ(0, get_caps(&now));
	EXPECT_EQ(c.prm, now.eff);
	/* setfsuid to a user drops only the filesystem capabilities, and back raises them. */
	setfsuid(1000);
	EXPECT_EQ(c.eff & ~FS_CAPS, proc_status_hex("CapEff"));
	setfsuid(0);
	EXPECT_EQ(c.eff, proc_status_hex("CapEff"));
	ASSERT_EQ(0, setresuid(1000, 1000, 1000));
	ASSERT_EQ(0, get_caps(&now));
	EXPECT_EQ(0, now.eff);
	EXPECT_EQ(0, now.prm);
	EXPECT_EQ(EPERM, set_caps(&c));
}

/* An unprivileged program gets its ambient capabilities at execve (setpriv --ambient-caps). */
TEST(ambient_capabilities_survive_execve_of_a_non_root_program)
{
	struct caps c, got, want = { 0 };
	uint64_t amb = 0, keep = BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE);
	int raw;

	ASSERT_EQ(0, get_caps(&c));
	EXPECT_EQ(-1, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0));
	EXPECT_EQ(EPERM, errno); /* not inheritable yet */
	ASSERT_EQ(0, prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	ASSERT_EQ(0, setresuid(1000, 1000, 1000));
	want.prm = want.eff = want.inh = keep;
	ASSERT_EQ(0, set_caps(&want));
	ASSERT_EQ(0, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0));
	EXPECT_EQ(1, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0));
	EXPECT_EQ(BIT(CAP_CHOWN), proc_status_hex("CapAmb"));
	ASSERT_EQ(0, exec_report(&got, &amb, &raw));
	EXPECT_EQ(BIT(CAP_CHOWN), got.prm);
	EXPECT_EQ(BIT(CAP_CHOWN), got.eff);
	EXPECT_EQ(keep, got.inh);
	EXPECT_EQ(BIT(CAP_CHOWN), amb);
	/* Lowering the inheritable set takes it out of the ambient set too. */
	want.inh = BIT(CAP_NET_BIND_SERVICE);
	ASSERT_EQ(0, set_caps(&want));
	EXPECT_EQ(0, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0));
	ASSERT_EQ(0, exec_report(&got, &amb, &raw));
	EXPECT_EQ(0, got.prm);
	EXPECT_EQ(0, got.eff);
	EXPECT_EQ(EPERM, raw);
}

/* setpriv --bounding-set=-net_raw: root's next program does not get CAP_NET_RAW. */
TEST(bounding_set_drop_limits_what_root_gets_at_execve)
{
	struct caps c, got;
	uint64_t amb;
	int raw;

	ASSERT_EQ(0, get_caps(&c));
	ASSERT_EQ(0, exec_report(&got, &amb, &raw));
	EXPECT_EQ(0, raw);
	ASSERT_EQ(0, prctl(PR_CAPBSET_DROP, CAP_NET_RAW, 0, 0, 0));
	EXPECT_EQ(0, prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0));
	EXPECT_EQ(bounding_set(), proc_status_hex("CapBnd"));
	ASSERT_EQ(0, exec_report(&got, &amb, &raw));
	EXPECT_EQ(c.prm & bounding_set(), got.prm);
	EXPECT_EQ(got.prm, got.eff);
	EXPECT_EQ(0, got.prm & BIT(CAP_NET_RAW));
	EXPECT_EQ(EPERM, raw);
	EXPECT_EQ(-1, prctl(PR_CAPBSET_DROP, CAP_LAST_CAP + 1, 0, 0, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST(capset_and_capget_errors)
{
	struct __user_cap_header_struct h = { 0x12345678, 0 };
	struct __user_cap_data_struct d[2];
	struct caps c, bad;

	ASSERT_EQ(0, get_caps(&c));
	EXPECT_EQ(-1, syscall(SYS_capget, &h, d));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(_LINUX_CAPABILITY_VERSION_3, h.version);
	h.pid = getppid();
	ASSERT_EQ(0, syscall(SYS_capget, &h, d));
	EXPECT_EQ(-1, syscall(SYS_capset, &h, d)); /* only one's own */
	EXPECT_EQ(EPERM, errno);
	h.pid = 0x3ffffff0;
	EXPECT_EQ(-1, syscall(SYS_capget, &h, d));
	EXPECT_EQ(ESRCH, errno);
	/* Version 1: the low 32 capabilities only. */
	h.version = _LINUX_CAPABILITY_VERSION_1;
	h.pid = 0;
	ASSERT_EQ(0, syscall(SYS_capget, &h, d));
	EXPECT_EQ((uint32_t)c.eff, d[0].effective);
	bad = c;
	bad.eff = c.prm | BIT(CAP_LAST_CAP); /* effective outside permitted */
	bad.prm = c.prm & ~BIT(CAP_LAST_CAP);
	EXPECT_EQ(EPERM, set_caps(&bad));
	bad = c;
	bad.eff = bad.prm = c.prm & ~BIT(CAP_SETPCAP);
	ASSERT_EQ(0, set_caps(&bad));
	bad.inh = BIT(CAP_SETPCAP); /* neither inheritable nor permitted, no CAP_SETPCAP */
	EXPECT_EQ(EPERM, set_caps(&bad));
	EXPECT_EQ(-1, prctl(PR_CAPBSET_DROP, CAP_CHOWN, 0, 0, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS, 0, 0, 0));
	EXPECT_EQ(EPERM, errno);
	bad.prm = c.prm; /* permitted can only shrink */
	EXPECT_EQ(EPERM, set_caps(&bad));
}

TEST(ambient_and_securebits_prctls_follow_linux)
{
	EXPECT_EQ(-1, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_LAST_CAP + 1, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, prctl(PR_CAP_AMBIENT, 99, CAP_CHOWN, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_CHOWN, 0, 0));
	ASSERT_EQ(0, prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED, 0, 0));
	EXPECT_EQ(1, prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	EXPECT_EQ(-1, prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, prctl(PR_SET_SECUREBITS, 0, 0, 0, 0)); /* a lock stays */
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, prctl(PR_SET_SECUREBITS, 1 << 20, 0, 0, 0));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, prctl(PR_SET_SECUREBITS, SECBIT_KEEP_CAPS | SECBIT_KEEP_CAPS_LOCKED |
			       SECBIT_NO_CAP_AMBIENT_RAISE, 0, 0));
	EXPECT_EQ(-1, prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_CHOWN, 0, 0));
	EXPECT_EQ(EPERM, errno);
}

/* SECBIT_NOROOT: root's next program starts with no capabilities. */
TEST(noroot_securebit_gives_root_nothing_at_execve)
{
	struct caps got;
	uint64_t amb;
	int raw;

	ASSERT_EQ(0, prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0));
	ASSERT_EQ(0, exec_report(&got, &amb, &raw));
	EXPECT_EQ(0, got.prm);
	EXPECT_EQ(0, got.eff);
	EXPECT_EQ(EPERM, raw);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--report"))
		return report_main();
	return test_harness_run(argc, argv);
}
