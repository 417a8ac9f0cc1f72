/*
 * The mconsole commands (UML's mconsole_kern.c handlers, same names, replies and error
 * strings): version, help, halt, reboot, sysrq, cad, log, proc and stack here; stop and
 * go in mconsole.c; config and remove in mconsole_dev.c.
 *
 * Which commands run at once, where the request was received (UML's MCONSOLE_INTR), and
 * which in the mconsole thread (MCONSOLE_PROC) is UML's choice, kept: the thread is needed
 * by the ones that use the VFS or stop the kernel.
 *
 * proc reads through a private mount of procfs, attached nowhere (UML mounts one for
 * this), so it works whether or not the guest mounted /proc.
 */
#include "kernel.h"
#include "mm.h"
#include "page.h"
#include "fs.h"
#include "init.h"
#include "mconsole.h"
#include "slab.h"
#include "sysrq.h"
#include "task.h"
#include "mconsole/mconsole_kern.h"

#include <linux/fcntl.h>

#define PROC_REPLY_MAX (4 << 20) /* stop sending a /proc file after this much */

static const char help_text[] =
	"Commands:\n"
	"    version - Get the kernel version\n"
	"    help - Print this message\n"
	"    halt - Halt the instance at once (no clean shutdown of its programs)\n"
	"    reboot - Restart the instance from scratch\n"
	"    config <dev>=<config> - Add or change a device, in command-line syntax\n"
	"    config <dev> - Query the configuration of a device\n"
	"    remove <dev> - Remove a device\n"
	"    sysrq <letter> - Run the magic SysRq action of that letter (sysrq h lists them)\n"
	"    cad - Ctrl-Alt-Del: init decides (SIGINT), or reboot when it did not say\n"
	"    stop - Pause the whole instance; only the mconsole answers until 'go'\n"
	"    go - Continue after a 'stop'\n"
	"    log <string> - Write <string> into the kernel log\n"
	"    proc <file> - Return the contents of the guest's /proc/<file>\n"
	"    stack <pid> - Return the state and kernel stack of task <pid>\n"
	"    memstat - Memory figures for a memory manager (starts active-memory sampling)\n";

static void cmd_version(struct mc_request *req)
{
	char buf[256];

	ksnprintf(buf, sizeof(buf), "%s %s %s %s %s", UTS_SYSNAME, utsname_nodename, UTS_RELEASE,
		  UTS_VERSION, UTS_MACHINE);
	mconsole_reply(req, buf, false, false);
}

static void cmd_help(struct mc_request *req)
{
	mconsole_reply(req, help_text, false, false);
}

static void cmd_halt(struct mc_request *req)
{
	mconsole_reply(req, "", false, false);
	kernel_power_off_request(0);
}

static void cmd_reboot(struct mc_request *req)
{
	mconsole_reply(req, "", false, false);
	kernel_restart();
}

static void cmd_cad(struct mc_request *req)
{
	mconsole_reply(req, "", false, false);
	kernel_ctrl_alt_del();
}

static void cmd_log(struct mc_request *req)
{
	const char *text = mconsole_argument(req->text, MC_CMD_LOG);
	size_t n = strlen(text);

	printk(KERN_WARNING "%s%s", text, n && text[n - 1] == '\n' ? "" : "\n");
	mconsole_reply(req, "", false, false);
}

static void run_sysrq(void *key)
{
	sysrq_handle(*(int *)key);
}

static void cmd_sysrq(struct mc_request *req)
{
	int key = (unsigned char)*mconsole_argument(req->text, MC_CMD_SYSRQ);

	if (sysrq_ends_kernel(key)) {
		mconsole_reply(req, "", false, false); /* there is nobody left to answer after */
		sysrq_handle(key);
		return;
	}
	mconsole_reply_log(req, run_sysrq, &key);
}

static void show_stack(void *t)
{
	sysrq_show_task(t, true);
}

static void cmd_stack(struct mc_request *req)
{
	const char *arg = mconsole_argument(req->text, MC_CMD_STACK), *end;
	unsigned long long pid = kstrtoull_prefix(arg, &end, 10);
	struct task *t;

	if (end == arg) {
		mconsole_reply(req, "Please specify a pid", true, false);
		return;
	}
	t = pid <= CONFIG_MAX_PIDS ? task_by_pid((int)pid) : NULL;
	if (!t) {
		mconsole_reply(req, "Couldn't find that pid", true, false);
		return;
	}
	mconsole_reply_log(req, show_stack, t);
}

/* The root of the private procfs mount, made on first use. */
static int proc_root(struct path *root)
{
	static struct path mnt;
	int r;

	if (!mnt.mnt) {
		r = kern_mount_detached("proc", &mnt);
		if (r < 0)
			return r;
	}
	*root = mnt;
	return 0;
}

static struct file *open_proc_file(const struct path *root, const char *name)
{
	struct path p;
	struct file *f;
	int r;

	while (*name == '/')
		name++;
	r = kern_path_at(root, name, LOOKUP_FOLLOW, &p);
	if (r < 0)
		return ERR_PTR(r);
	f = file_open_path(&p, O_RDONLY | O_NONBLOCK);
	path_put(&p);
	return f;
}

/* Send f as UML does: "\n" first, then page-sized pieces, then an empty last packet. */
static void send_file(struct mc_request *req, struct file *f, char *buf)
{
	size_t total = 0;
	loff_t pos = 0;
	bool first = true;
	ssize_t n;

	do {
		n = kernel_read(f, buf, PAGE_SIZE - 1, &pos);
		if (n < 0) {
			mconsole_reply(req, "Read of file failed", true, false);
			return;
		}
		if (first)
			mconsole_reply(req, "\n", false, true);
		first = false;
		total += n;
		if (total > PROC_REPLY_MAX)
			n = 0;
		mconsole_reply_len(req, buf, n, false, n > 0);
	} while (n > 0);
}

static void cmd_proc(struct mc_request *req)
{
	const char *name = mconsole_argument(req->text, MC_CMD_PROC);
	struct path root;
	struct file *f;
	char *buf;

	if (proc_root(&root) < 0) {
		mconsole_reply(req, "Proc not available", true, false);
		return;
	}
	f = open_proc_file(&root, name);
	if (IS_ERR(f)) {
		pr_info("mconsole: open /proc/%s: %s\n", name, errname(PTR_ERR(f)));
		mconsole_reply(req, "Failed to open file", true, false);
		return;
	}
	buf = kmalloc(PAGE_SIZE);
	if (buf)
		send_file(req, f, buf);
	else
		mconsole_reply(req, "Failed to allocate buffer", true, false);
	kfree(buf);
	file_put(f);
}

/*
 * memstat: what tools/umlite-balance needs, one "name value" per line, sizes in KiB.
 * The first request starts active-memory sampling (mm/idle_sample.c).
 */
static void cmd_memstat(struct mc_request *req)
{
	unsigned long total = page_nr_total(), free = page_nr_free();
	unsigned long kb = PAGE_SIZE / 1024;
	struct idle_sample_stats st;
	char buf[480];

	idle_sample_start();
	idle_sample_get(&st);
	ksnprintf(buf, sizeof(buf),
		  "boot_kb %lu\nmem_kb %lu\nballoon_kb %lu\nfree_kb %lu\nused_kb %lu\n"
		  "backed_kb %lu\nactive_permille %u\nslow_permille %u\nfast_permille %u\n"
		  "sample_periods %lu\nsampled_pages %lu\ntouched_pages %lu\n",
		  page_nr_boot_total() * kb, total * kb, balloon_nr_frames() * kb, free * kb,
		  (total - free) * kb, (total - free + page_nr_dirty()) * kb, st.active_pm,
		  st.slow_pm, st.fast_pm, st.periods, st.sampled, st.touched);
	mconsole_reply(req, buf, false, false);
}

static const struct {
	void (*fn)(struct mc_request *req);
	bool at_once;
} commands[MC_CMD_NR] = {
	[MC_CMD_VERSION] = { cmd_version, false }, [MC_CMD_HELP] = { cmd_help, true },
	[MC_CMD_HALT] = { cmd_halt, false },       [MC_CMD_REBOOT] = { cmd_reboot, false },
	[MC_CMD_CONFIG] = { mconsole_config, false }, [MC_CMD_REMOVE] = { mconsole_remove, false },
	[MC_CMD_SYSRQ] = { cmd_sysrq, true },      [MC_CMD_CAD] = { cmd_cad, true },
	[MC_CMD_STOP] = { mconsole_stop, false },  [MC_CMD_GO] = { mconsole_go, true },
	[MC_CMD_LOG] = { cmd_log, true },          [MC_CMD_PROC] = { cmd_proc, false },
	[MC_CMD_STACK] = { cmd_stack, true },      [MC_CMD_MEMSTAT] = { cmd_memstat, true },
};

bool mconsole_cmd_at_once(enum mc_command cmd)
{
	return (unsigned)cmd < MC_CMD_NR && commands[cmd].at_once;
}

void mconsole_run(struct mc_request *req)
{
	if ((unsigned)req->cmd < MC_CMD_NR)
		commands[req->cmd].fn(req);
}
