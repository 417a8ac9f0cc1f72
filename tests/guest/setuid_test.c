/*
 * Guest test: set-user-id and set-group-id executables (execve(2), capabilities(7)). The
 * test copies itself into a fresh tmpfs as root-owned 04755 and group-owned 02755 files; a
 * child that dropped to uid/gid 1000 runs a copy with --report, which prints its ids,
 * AT_SECURE, PR_GET_DUMPABLE, CapEff/CapPrm and the owner of /proc/self/status. Also: no
 * change under no_new_privs or on a nosuid mount, root running a set-user-id-1000 program,
 * and the bits a write or chown clears. Runs natively as root (the oracle) and in um-lite.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/securebits.h>

#include "kselftest_harness.h"
#include "cred_helpers.h"

#define USER 1000
#define GROUP 2000

/* What a --report run saw. */
struct report {
	unsigned r, e, s, rg, eg, sg;
	unsigned long secure;
	int dumpable;
	unsigned long long eff, prm;
	unsigned status_uid;
};

static int report_main(void)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	struct stat st;

	if (getresuid(&r, &e, &s) || getresgid(&rg, &eg, &sg) || stat("/proc/self/status", &st))
		return 1;
	printf("%u %u %u %u %u %u %lu %d %llx %llx %u\n", r, e, s, rg, eg, sg,
	       getauxval(AT_SECURE), prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), proc_status_hex("CapEff"),
	       proc_status_hex("CapPrm"), (unsigned)st.st_uid);
	return 0;
}

static char sharer_stack[65536] __attribute__((aligned(16)));

/* A process sharing the fs_struct of its parent (CLONE_FS) until the parent is gone. */
static int sharer(void *arg)
{
	(void)arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	sleep(10);
	return 0;
}

/*
 * In a child: become uid/gid USER (unless as_root), maybe set no_new_privs or share the
 * fs_struct with another process, exec path --report and read what it printed.
 */
static int run_report_ex(const char *path, bool as_root, bool nnp, bool share_fs,
			 unsigned securebits, struct report *rep)
{
	char buf[512] = "";
	int fds[2], st, n;
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)path, "--report", NULL };

		dup2(fds[1], 1);
		if (securebits && prctl(PR_SET_SECUREBITS, securebits, 0, 0, 0))
			_exit(126);
		if (!as_root && (setgroups(0, NULL) || setresgid(USER, USER, USER) ||
				 setresuid(USER, USER, USER)))
			_exit(126);
		if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(126);
		if (share_fs && clone(sharer, sharer_stack + sizeof(sharer_stack),
				      CLONE_FS | SIGCHLD, NULL) < 0)
			_exit(126);
		execv(path, argv);
		_exit(127);
	}
	close(fds[1]);
	n = (int)read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	waitpid(pid, &st, 0);
	if (n <= 0 || sscanf(buf, "%u %u %u %u %u %u %lu %d %llx %llx %u", &rep->r, &rep->e,
			     &rep->s, &rep->rg, &rep->eg, &rep->sg, &rep->secure, &rep->dumpable,
			     &rep->eff, &rep->prm, &rep->status_uid) != 11)
		return -1;
	return 0;
}

static int run_report(const char *path, bool as_root, bool nnp, struct report *rep)
{
	return run_report_ex(path, as_root, nnp, false, 0, rep);
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

FIXTURE(mnt) {
	char dir[64];
	char path[128];
	bool mounted;
};

FIXTURE_SETUP(mnt)
{
	strcpy(self->dir, "/tmp/setuid_XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	if (mount("none", self->dir, "tmpfs", 0, "mode=755"))
		SKIP(return, "cannot mount tmpfs here (%s)", strerror(errno));
	self->mounted = true;
	snprintf(self->path, sizeof(self->path), "%s/prog", self->dir);
}

FIXTURE_TEARDOWN(mnt)
{
	if (self->mounted)
		umount(self->dir);
	rmdir(self->dir);
}

/* The ids, capabilities and dumpability of an unprivileged program: the control. */
TEST_F(mnt, a_plain_copy_keeps_the_users_ids)
{
	struct report r;

	ASSERT_EQ(0, copy_self_exe(self->path, 0, 0, 0755));
	ASSERT_EQ(0, run_report(self->path, false, false, &r));
	EXPECT_EQ(USER, r.r);
	EXPECT_EQ(USER, r.e);
	EXPECT_EQ(USER, r.s);
	EXPECT_EQ(USER, r.eg);
	EXPECT_EQ(0, r.secure);
	EXPECT_EQ(1, r.dumpable);
	EXPECT_EQ(0, r.eff);
	EXPECT_EQ(USER, r.status_uid);
}

TEST_F(mnt, setuid_root_gives_euid_0_full_capabilities_and_secure_mode)
{
	unsigned long long bnd = proc_status_hex("CapBnd");
	struct report r;

	ASSERT_EQ(0, copy_self_exe(self->path, 0, 0, 04755));
	ASSERT_EQ(0, run_report(self->path, false, false, &r));
	EXPECT_EQ(USER, r.r);
	EXPECT_EQ(0, r.e);
	EXPECT_EQ(0, r.s);
	EXPECT_EQ(USER, r.rg);
	EXPECT_EQ(USER, r.eg);
	EXPECT_EQ(USER, r.sg);
	EXPECT_EQ(1, r.secure);
	EXPECT_EQ(0, r.dumpable);
	EXPECT_EQ(bnd, r.eff);
	EXPECT_EQ(bnd, r.prm);
	EXPECT_EQ(0, r.status_uid);
}

TEST_F(mnt, setgid_gives_the_files_group_and_no_capabilities)
{
	struct report r;

	ASSERT_EQ(0, copy_self_exe(self->path, 0, GROUP, 02755));
	ASSERT_EQ(0, run_report(self->path, false, false, &r));
	EXPECT_EQ(USER, r.r);
	EXPECT_EQ(USER, r.e);
	EXPECT_EQ(USER, r.rg);
	EXPECT_EQ(GROUP, r.eg);
	EXPECT_EQ(GROUP, r.sg);
	EXPECT_EQ(1, r.secure);
	EXPECT_EQ(0, r.dumpable);
	EXPECT_EQ(0, r.eff);
	EXPECT_EQ(0, r.prm);
}

/* Set-group-id without group execute is the mandatory-locking mark, not a set-id. */
TEST_F(mnt, setgid_without_group_execute_changes_nothing)
{
	struct report r;

	ASSERT_EQ(0, copy_self_exe(self->path, 0, GROUP, 02745));
	ASSERT_EQ(0, run_report(self->path, false, false, &r));
	EXPECT_EQ(USER, r.eg);
	EXPECT_EQ(0, r.secure);
	EXPECT_EQ(1, r.dumpable);
}

TEST_F(mnt, no_new_privs_ignores_the_setuid_bit)
{
	struct report r;

	ASSERT_EQ(0, copy_self_exe(self->path, 0, GROUP, 06755));
	ASSERT_EQ(0, run_report(self->path, false, true, &r));
	EXPECT_EQ(USER, r.e);
	EXPECT_EQ(USER, r.s);
	EXPECT_EQ(USER, r.eg);
	EXPECT_EQ(0, r.secure);
	EXPECT_EQ(1, r.dumpable);
	EXPECT_EQ(0, r.eff);
}

TEST_F(mnt, a_nosuid_mount_ignores_the_setuid_bit)
{
	char sub[96], path[128];
	struct report r;

	snprintf(sub, sizeof(sub), "%s/ns", self->dir);
	snprintf(path, sizeof(path), "%s/prog", sub);
	ASSERT_EQ(0, mkdir(sub, 0755));
	ASSERT_EQ(0, mount("none", sub, "tmpfs", MS_NOSUID, "mode=755"));
	ASSERT_EQ(0, copy_self_exe(path, 0, 0, 04755));
	ASSERT_EQ(0, run_report(path, false, false, &r));
	EXPECT_EQ(USER, r.e);
	EXPECT_EQ(0, r.secure);
	EXPECT_EQ(1, r.dumpable);
	EXPECT_EQ(0, r.eff);
	EXPECT_EQ(0, umount(sub));
}

/* SECBIT_NOROOT: euid 0 from the bit, but no capabilities come with it. */
TEST_F(mnt, noroot_securebit_gives_a_setuid_root_program_no_capabilities)
{
	struct report r;

	ASSERT_EQ(0, copy_self_exe(self->path, 0, 0, 04755));
	ASSERT_EQ(0, run_report_ex(self->path, false, false, false, SECBIT_NOROOT, &r));
	EXPECT_EQ(USER, r.r);
	EXPECT_EQ(0, r.e);
	EXPECT_EQ(0, r.eff);
	EXPECT_EQ(0, r.prm);
	EXPECT_EQ(1, r.secure);
	EXPECT_EQ(0, r.dumpable);
}

/* Linux's check_unsafe_exec: an fs_struct shared with another process refuses set-id. */
TEST_F(mnt, a_shared_fs_struct_ignores_the_setuid_bit)
{
	struct report r;

	ASSERT_EQ(0, copy_self_exe(self->path, 0, 0, 04755));
	ASSERT_EQ(0, run_report_ex(self->path, false, false, true, 0, &r));
	EXPECT_EQ(USER, r.e);
	EXPECT_EQ(USER, r.s);
	EXPECT_EQ(0, r.eff);
	EXPECT_EQ(1, r.dumpable);
	/* The exec was still a set-id one: secure mode stays on. */
	EXPECT_EQ(1, r.secure);
}

/* capabilities(7): root's real uid keeps the permitted set, the effective set empties. */
TEST_F(mnt, root_running_a_setuid_user_program_loses_effective_capabilities)
{
	unsigned long long bnd = proc_status_hex("CapBnd");
	struct report r;

	ASSERT_EQ(0, copy_self_exe(self->path, USER, 0, 04755));
	ASSERT_EQ(0, run_report(self->path, true, false, &r));
	EXPECT_EQ(0, r.r);
	EXPECT_EQ(USER, r.e);
	EXPECT_EQ(USER, r.s);
	EXPECT_EQ(1, r.secure);
	EXPECT_EQ(0, r.dumpable);
	EXPECT_EQ(0, r.eff);
	EXPECT_EQ(bnd, r.prm);
	EXPECT_EQ(0, r.status_uid);
}

/* Write as uid USER to path; the exit status is 0 when the write went through. */
static int write_as_user(const char *path)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		int fd;

		if (setgroups(0, NULL) || setresgid(USER, USER, USER) ||
		    setresuid(USER, USER, USER))
			_exit(2);
		fd = open(path, O_WRONLY);
		_exit(fd >= 0 && write(fd, "x", 1) == 1 ? 0 : 3);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

TEST_F(mnt, a_write_without_cap_fsetid_clears_the_set_id_bits)
{
	ASSERT_EQ(0, copy_self_exe(self->path, 0, GROUP, 06777));
	ASSERT_EQ(0, write_as_user(self->path));
	EXPECT_EQ(0777, mode_of(self->path));
	/* Set-group-id without group execute stays (the writer is in the file's group). */
	ASSERT_EQ(0, chown(self->path, 0, USER));
	ASSERT_EQ(0, chmod(self->path, 06767));
	ASSERT_EQ(0, write_as_user(self->path));
	EXPECT_EQ(02767, mode_of(self->path));
	/* ... and set-user-id alone goes. */
	ASSERT_EQ(0, chmod(self->path, 04777));
	ASSERT_EQ(0, write_as_user(self->path));
	EXPECT_EQ(0777, mode_of(self->path));
	/* Root (CAP_FSETID) writes without clearing. */
	ASSERT_EQ(0, chmod(self->path, 06777));
	ASSERT_EQ(0, truncate(self->path, 10));
	EXPECT_EQ(06777, mode_of(self->path));
}

TEST_F(mnt, chown_clears_the_set_id_bits)
{
	ASSERT_EQ(0, copy_self_exe(self->path, 0, GROUP, 06755));
	ASSERT_EQ(0, chown(self->path, USER, -1));
	EXPECT_EQ(0755, mode_of(self->path));
	ASSERT_EQ(0, chmod(self->path, 06745));
	ASSERT_EQ(0, chown(self->path, -1, 0));
	EXPECT_EQ(02745, mode_of(self->path));
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--report"))
		return report_main();
	return test_harness_run(argc, argv);
}
