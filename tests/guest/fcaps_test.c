/*
 * Guest test: file capabilities (capabilities(7), the security.capability attribute). The
 * test copies itself into a fresh tmpfs, gives the copy capabilities with setxattr, and a
 * child that dropped to uid/gid 1000 runs it with --report, which prints CapPrm, CapEff,
 * AT_SECURE and PR_GET_DUMPABLE. Also: which revisions setxattr stores, who may set the
 * attribute, exec refused when the bounding set withholds an effective file's capability,
 * nothing gained on a nosuid mount or under no_new_privs, and the writes, truncations and
 * chowns that remove the attribute. Runs natively as root (the oracle) and in um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/capability.h>

#include "kselftest_harness.h"
#include "cred_helpers.h"

#define USER 1000
#define CAPS "security.capability"
#define RAW (1ULL << CAP_NET_RAW)
#define BIND (1ULL << CAP_NET_BIND_SERVICE)
#define REV2 0x02000000u
#define REV3 0x03000000u

/* What a --report run saw: -1 in secure when the exec failed (errno in dumpable). */
struct report {
	unsigned long long prm, eff, inh;
	long secure;
	int dumpable;
};

static int report_main(void)
{
	printf("%llx %llx %llx %lu %d\n", proc_status_hex("CapPrm"), proc_status_hex("CapEff"),
	       proc_status_hex("CapInh"), getauxval(AT_SECURE), prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	return 0;
}

/* Set the inheritable set of the caller (permitted and effective kept). */
static int set_inheritable(unsigned long long inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[0].inheritable = (uint32_t)inh;
	d[1].inheritable = (uint32_t)(inh >> 32);
	return (int)syscall(SYS_capset, &h, d);
}

/* How the child is prepared before it drops to USER and execs. */
struct how {
	bool nnp;
	int drop_bound;            /* a capability to drop from the bounding set, or -1 */
	unsigned long long inh;    /* the inheritable set to keep across the uid change */
};

static int run_report_how(const char *path, const struct how *how, struct report *rep)
{
	char buf[256] = "";
	int fds[2], st, n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)path, "--report", NULL };

		dup2(fds[1], 1);
		if (how->drop_bound >= 0 && prctl(PR_CAPBSET_DROP, how->drop_bound, 0, 0, 0))
			_exit(126);
		if (how->inh && set_inheritable(how->inh))
			_exit(126);
		if (setgroups(0, NULL) || setresgid(USER, USER, USER) ||
		    setresuid(USER, USER, USER))
			_exit(126);
		if (how->nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(126);
		execv(path, argv);
		_exit(errno & 0x7f);
	}
	close(fds[1]);
	n = (int)read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	if (n <= 0) {
		rep->secure = -1;
		rep->dumpable = WEXITSTATUS(st);
		return 0;
	}
	if (sscanf(buf, "%llx %llx %llx %ld %d", &rep->prm, &rep->eff, &rep->inh, &rep->secure,
		   &rep->dumpable) != 5)
		return -1;
	return 0;
}

static int run_report(const char *path, struct report *rep)
{
	struct how how = { .drop_bound = -1 };

	return run_report_how(path, &how, rep);
}

/* A security.capability value: revision rev, effective bit, the sets, v3's root id. */
static size_t cap_value(uint32_t *v, uint32_t rev, bool eff, unsigned long long prm,
			unsigned long long inh, uint32_t rootid)
{
	v[0] = rev | (eff ? 1 : 0);
	v[1] = (uint32_t)prm;
	v[2] = (uint32_t)inh;
	v[3] = (uint32_t)(prm >> 32);
	v[4] = (uint32_t)(inh >> 32);
	v[5] = rootid;
	return rev == REV3 ? 24 : 20;
}

static int set_caps(const char *path, uint32_t rev, bool eff, unsigned long long prm,
		    unsigned long long inh)
{
	uint32_t v[6];

	return setxattr(path, CAPS, v, cap_value(v, rev, eff, prm, inh, 0), 0);
}

/* The stored attribute's length (-1 with errno when absent) and its words in v. */
static ssize_t get_caps(const char *path, uint32_t *v)
{
	return getxattr(path, CAPS, v, 24);
}

FIXTURE(mnt) {
	char dir[64];
	char path[128];
	bool mounted;
};

FIXTURE_SETUP(mnt)
{
	strcpy(self->dir, "/tmp/fcaps_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	if (mount("none", self->dir, "tmpfs", 0, "mode=755"))
		SKIP(return, "cannot mount tmpfs here (%s)", strerror(errno));
	self->mounted = true;
	snprintf(self->path, sizeof(self->path), "%s/prog", self->dir);
	ASSERT_EQ(0, copy_self_exe(self->path, 0, 0, 0755));
}

FIXTURE_TEARDOWN(mnt)
{
	if (self->mounted)
		umount(self->dir);
	rmdir(self->dir);
}

TEST_F(mnt, a_plain_copy_gives_the_user_nothing)
{
	struct report r;

	ASSERT_EQ(0, run_report(self->path, &r));
	EXPECT_EQ(0, r.prm);
	EXPECT_EQ(0, r.eff);
	EXPECT_EQ(0, r.secure);
	EXPECT_EQ(1, r.dumpable);
}

/* setcap cap_net_raw+ep */
TEST_F(mnt, permitted_and_effective_give_the_user_the_capability_in_secure_mode)
{
	struct report r;

	ASSERT_EQ(0, set_caps(self->path, REV2, true, RAW, 0));
	ASSERT_EQ(0, run_report(self->path, &r));
	EXPECT_EQ(RAW, r.prm);
	EXPECT_EQ(RAW, r.eff);
	EXPECT_EQ(1, r.secure);
	EXPECT_EQ(0, r.dumpable);
}

/* setcap cap_net_raw+p: the program raises it itself when it needs it (as ping does) */
TEST_F(mnt, permitted_alone_is_not_effective)
{
	struct report r;

	ASSERT_EQ(0, set_caps(self->path, REV2, false, RAW, 0));
	ASSERT_EQ(0, run_report(self->path, &r));
	EXPECT_EQ(RAW, r.prm);
	EXPECT_EQ(0, r.eff);
	EXPECT_EQ(1, r.secure);
}

/* P'(permitted) = P(inheritable) & F(inheritable) | F(permitted) & bounding */
TEST_F(mnt, file_inheritable_meets_the_process_inheritable_set)
{
	struct how how = { .drop_bound = -1, .inh = BIND };
	struct report r;

	ASSERT_EQ(0, set_caps(self->path, REV2, true, 0, RAW | BIND));
	ASSERT_EQ(0, run_report(self->path, &r));
	EXPECT_EQ(0, r.prm);
	EXPECT_EQ(1, r.secure); /* the effective bit alone makes it secure */
	ASSERT_EQ(0, run_report_how(self->path, &how, &r));
	EXPECT_EQ(BIND, r.prm);
	EXPECT_EQ(BIND, r.eff);
	EXPECT_EQ(BIND, r.inh);
	EXPECT_EQ(1, r.secure);
}

/* An effective ("capability-dumb") file that would not get all it asks for is refused. */
TEST_F(mnt, the_bounding_set_withholding_an_effective_files_capability_is_eperm)
{
	struct how how = { .drop_bound = CAP_NET_RAW };
	struct report r;

	ASSERT_EQ(0, set_caps(self->path, REV2, true, RAW | BIND, 0));
	ASSERT_EQ(0, run_report_how(self->path, &how, &r));
	EXPECT_EQ(-1, r.secure);
	EXPECT_EQ(EPERM, r.dumpable);
	/* Without the effective bit the file runs with what it could get. */
	ASSERT_EQ(0, set_caps(self->path, REV2, false, RAW | BIND, 0));
	ASSERT_EQ(0, run_report_how(self->path, &how, &r));
	EXPECT_EQ(BIND, r.prm);
	EXPECT_EQ(0, r.eff);
}

TEST_F(mnt, no_new_privs_gains_nothing_but_runs)
{
	struct how how = { .drop_bound = -1, .nnp = true };
	struct report r;

	ASSERT_EQ(0, set_caps(self->path, REV2, true, RAW, 0));
	ASSERT_EQ(0, run_report_how(self->path, &how, &r));
	EXPECT_EQ(0, r.prm);
	EXPECT_EQ(0, r.eff);
}

TEST_F(mnt, a_nosuid_mount_ignores_file_capabilities)
{
	char sub[96], path[128];
	struct report r;

	snprintf(sub, sizeof(sub), "%s/ns", self->dir);
	snprintf(path, sizeof(path), "%s/prog", sub);
	ASSERT_EQ(0, mkdir(sub, 0755));
	ASSERT_EQ(0, mount("none", sub, "tmpfs", MS_NOSUID, "mode=755"));
	ASSERT_EQ(0, copy_self_exe(path, 0, 0, 0755));
	ASSERT_EQ(0, set_caps(path, REV2, true, RAW, 0));
	ASSERT_EQ(0, run_report(path, &r));
	EXPECT_EQ(0, r.prm);
	EXPECT_EQ(0, r.secure);
	EXPECT_EQ(0, umount(sub));
}

/* Linux stores a revision 3 value whose root id is 0 as revision 2; others stay v3. */
TEST_F(mnt, revision_3_with_root_id_0_is_stored_as_revision_2)
{
	uint32_t v[6], got[6];
	struct report r;

	ASSERT_EQ(0, setxattr(self->path, CAPS, v, cap_value(v, REV3, true, RAW, 0, 0), 0));
	ASSERT_EQ(20, get_caps(self->path, got));
	EXPECT_EQ(REV2 | 1, got[0]);
	EXPECT_EQ(RAW, got[1]);
	ASSERT_EQ(0, setxattr(self->path, CAPS, v, cap_value(v, REV3, true, RAW, 0, 1000), 0));
	ASSERT_EQ(24, get_caps(self->path, got));
	EXPECT_EQ(REV3 | 1, got[0]);
	EXPECT_EQ(1000, got[5]);
	/* A root id other than ours: the file has no capabilities for us. */
	ASSERT_EQ(0, run_report(self->path, &r));
	EXPECT_EQ(0, r.prm);
	EXPECT_EQ(0, r.secure);
}

TEST_F(mnt, malformed_values_are_einval)
{
	uint32_t v[6] = { 0x01000000, (uint32_t)RAW, 0 };

	errno = 0;
	EXPECT_EQ(-1, setxattr(self->path, CAPS, v, 12, 0)); /* revision 1 */
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, setxattr(self->path, CAPS, v, 3, 0));
	EXPECT_EQ(EINVAL, errno);
	cap_value(v, REV2, false, RAW, 0, 0);
	errno = 0;
	EXPECT_EQ(-1, setxattr(self->path, CAPS, v, 24, 0)); /* v2 of v3's size */
	EXPECT_EQ(EINVAL, errno);
	cap_value(v, REV3, false, RAW, 0, 0xffffffffu);
	errno = 0;
	EXPECT_EQ(-1, setxattr(self->path, CAPS, v, 24, 0)); /* an invalid root id */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, get_caps(self->path, v));
	EXPECT_EQ(ENODATA, errno);
}

/* Setting needs CAP_SETFCAP, even on one's own file; anyone may read. */
TEST_F(mnt, setting_needs_cap_setfcap)
{
	int st;
	pid_t pid;

	ASSERT_EQ(0, chown(self->path, USER, USER));
	pid = fork();
	if (pid == 0) {
		uint32_t v[6];
		size_t n = cap_value(v, REV2, true, RAW, 0, 0);

		if (setgroups(0, NULL) || setresgid(USER, USER, USER) ||
		    setresuid(USER, USER, USER))
			_exit(2);
		if (setxattr(self->path, CAPS, v, n, 0) == 0 || errno != EPERM)
			_exit(3);
		if (get_caps(self->path, v) != -1 || errno != ENODATA)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	ASSERT_EQ(0, set_caps(self->path, REV2, false, RAW, 0));
	EXPECT_EQ(0, removexattr(self->path, CAPS));
}

/* Linux's killpriv: whoever writes, truncates or chowns the file removes its capabilities. */
TEST_F(mnt, a_write_a_truncation_and_a_chown_remove_the_capabilities)
{
	uint32_t v[6];
	int fd;

	ASSERT_EQ(0, set_caps(self->path, REV2, true, RAW, 0));
	fd = open(self->path, O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, write(fd, "x", 1));
	close(fd);
	EXPECT_EQ(-1, get_caps(self->path, v));
	EXPECT_EQ(ENODATA, errno);
	ASSERT_EQ(0, set_caps(self->path, REV2, true, RAW, 0));
	ASSERT_EQ(0, truncate(self->path, 100000));
	EXPECT_EQ(-1, get_caps(self->path, v));
	ASSERT_EQ(0, set_caps(self->path, REV2, true, RAW, 0));
	ASSERT_EQ(0, chown(self->path, 0, 0));
	EXPECT_EQ(-1, get_caps(self->path, v));
	/* a chmod keeps them */
	ASSERT_EQ(0, set_caps(self->path, REV2, true, RAW, 0));
	ASSERT_EQ(0, chmod(self->path, 0750));
	EXPECT_EQ(20, get_caps(self->path, v));
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--report"))
		return report_main();
	return test_harness_run(argc, argv);
}
