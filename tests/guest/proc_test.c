/*
 * Guest test: /proc and identity. /proc/self, per-process files (stat, status, cmdline,
 * maps, fd, exe, mountinfo), system files (meminfo, uptime, loadavg, mounts), uname and ids.
 * Runs natively (the oracle) and inside um-lite.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

static char *slurp(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n, total = 0;

	if (fd < 0)
		return NULL;
	while ((n = read(fd, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	close(fd);
	buf[total] = '\0';
	return buf;
}

TEST(proc_self_names_the_caller)
{
	char buf[32], want[32];

	snprintf(want, sizeof(want), "%d", getpid());
	ASSERT_GT(readlink("/proc/self", buf, sizeof(buf)), 0);
	buf[strlen(want)] = '\0';
	EXPECT_STREQ(want, buf);
}

TEST(stat_has_pid_comm_state_and_ppid)
{
	char *s = slurp("/proc/self/stat"), comm[64], state;
	int pid, ppid;

	ASSERT_NE(NULL, s);
	ASSERT_EQ(4, sscanf(s, "%d (%63[^)]) %c %d", &pid, comm, &state, &ppid));
	EXPECT_EQ(getpid(), pid);
	EXPECT_STREQ("proc_test", comm);
	EXPECT_EQ('R', state);
	EXPECT_EQ(getppid(), ppid);
}

TEST(status_has_name_pid_and_uid)
{
	char *s = slurp("/proc/self/status"), line[64];

	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "Name:\tproc_test\n"));
	snprintf(line, sizeof(line), "\nPid:\t%d\n", getpid());
	EXPECT_NE(NULL, strstr(s, line));
	snprintf(line, sizeof(line), "\nUid:\t%d\t%d\t", getuid(), geteuid());
	EXPECT_NE(NULL, strstr(s, line));
}

TEST(cmdline_is_the_nul_separated_argv)
{
	char *s = slurp("/proc/self/cmdline");

	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "proc_test"));
}

TEST(maps_lists_the_stack_and_the_executable)
{
	char *s = slurp("/proc/self/maps");
	unsigned long lo, hi;
	char perms[8];

	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "[stack]"));
	EXPECT_NE(NULL, strstr(s, "proc_test"));
	ASSERT_EQ(3, sscanf(s, "%lx-%lx %4s", &lo, &hi, perms));
	EXPECT_LT(lo, hi);
	EXPECT_EQ('p', perms[3]);
}

TEST(fd_links_name_open_files)
{
	char buf[256] = { 0 };
	int fd = open("/dev/null", O_RDONLY);
	char path[64];

	ASSERT_GE(fd, 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ASSERT_GT(readlink(path, buf, sizeof(buf) - 1), 0);
	EXPECT_STREQ("/dev/null", buf);
	close(fd);
	EXPECT_EQ(-1, readlink(path, buf, sizeof(buf)));
	EXPECT_EQ(ENOENT, errno);
}

TEST(exe_names_the_program)
{
	char buf[256] = { 0 };

	ASSERT_GT(readlink("/proc/self/exe", buf, sizeof(buf) - 1), 0);
	EXPECT_NE(NULL, strstr(buf, "proc_test"));
}

TEST(meminfo_and_sysinfo_agree_on_total_memory)
{
	char *s = slurp("/proc/meminfo");
	unsigned long kb = 0;
	struct sysinfo si;

	ASSERT_NE(NULL, s);
	ASSERT_EQ(1, sscanf(s, "MemTotal: %lu kB", &kb));
	ASSERT_EQ(0, sysinfo(&si));
	EXPECT_GT(kb, 0);
	EXPECT_LE(kb * 1024 / 100 * 99, (unsigned long)si.totalram * si.mem_unit);
	EXPECT_GE(kb * 1024 / 100 * 101, (unsigned long)si.totalram * si.mem_unit);
	EXPECT_NE(NULL, strstr(s, "MemFree:"));
}

TEST(uptime_and_loadavg_parse)
{
	double up, idle, l1;

	ASSERT_EQ(2, sscanf(slurp("/proc/uptime"), "%lf %lf", &up, &idle));
	EXPECT_GE(up, 0);
	ASSERT_EQ(1, sscanf(slurp("/proc/loadavg"), "%lf", &l1));
}

/*
 * The load averages are sampled every 5 s while tasks run, not only when someone reads
 * them: two tasks that spun for longer than a sample period and are gone by the time of
 * the first read still left their mark, in /proc/loadavg and in sysinfo alike.
 */
TEST(loadavg_remembers_tasks_that_ran_between_reads)
{
	pid_t kids[2];
	double l1;
	struct sysinfo si;

	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		ASSERT_GE(kids[i], 0);
		if (kids[i] == 0)
			for (volatile unsigned long n = 0;; n++)
				;
	}
	usleep(5300 * 1000);
	for (int i = 0; i < 2; i++) {
		kill(kids[i], SIGKILL);
		ASSERT_EQ(kids[i], waitpid(kids[i], NULL, 0));
	}
	ASSERT_EQ(1, sscanf(slurp("/proc/loadavg"), "%lf", &l1));
	EXPECT_GE(l1, 0.05);
	ASSERT_EQ(0, sysinfo(&si));
	EXPECT_GE(si.loads[0], (1UL << SI_LOAD_SHIFT) / 20);
}

TEST(mounts_list_proc)
{
	char *s = slurp("/proc/mounts");

	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, " /proc proc "));
}

/* df and findmnt read mountinfo: ids, the device (as stat says), root, mount point, type. */
TEST(mountinfo_describes_proc_as_stat_sees_it)
{
	char *s = slurp("/proc/self/mountinfo"), *line, root[256], where[256], type[64];
	unsigned maj, min;
	int id, parent, found = 0;
	struct stat st;

	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, stat("/proc", &st));
	for (line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		char *dash = strstr(line, " - ");

		ASSERT_NE(NULL, dash);
		ASSERT_EQ(6, sscanf(line, "%d %d %u:%u %255s %255s", &id, &parent, &maj, &min,
				    root, where));
		ASSERT_EQ(1, sscanf(dash, " - %63s", type));
		EXPECT_GT(id, 0);
		if (strcmp(where, "/proc") == 0 && strcmp(type, "proc") == 0) {
			EXPECT_EQ(major(st.st_dev), maj);
			EXPECT_EQ(minor(st.st_dev), min);
			EXPECT_STREQ("/", root);
			found++;
		}
	}
	EXPECT_EQ(1, found);
}

TEST(uname_says_linux_x86_64)
{
	struct utsname u;

	ASSERT_EQ(0, uname(&u));
	EXPECT_STREQ("Linux", u.sysname);
	EXPECT_STREQ("x86_64", u.machine);
}

TEST_HARNESS_MAIN
