/*
 * Boot: start_kernel() parses the command line, creates the physmem file and the page
 * allocator, starts the execution mode, builds the root filesystem (tmpfs with the
 * initramfs unpacked into it, or the root= disk; then devtmpfs, proc and sys mounted),
 * opens the console, and starts init as pid 1. The boot context then becomes the idle task.
 *
 * Shutdown: kernel_halt() has every filesystem write back and close clean, kills every
 * host process of the mode, restores the terminal and exits umlite with init's exit
 * status (128 + signal when init was killed), 0 after a poweroff, UMLITE_EXIT_PANIC after
 * a kernel panic (kernel/panic.c). A reboot (reboot(2), mconsole reboot, Ctrl-Alt-Del) does the same and
 * then execs umlite again with the same command line, as UML does: same pid, a fresh
 * kernel, init started again from the same initrd or disk.
 */
#include "kernel.h"
#include "console.h"
#include "devpts.h"
#include "fs.h"
#include "init.h"
#include "kern_util.h"
#include "ksm.h"
#include "mconsole.h"
#include "mode.h"
#include "net.h"
#include "os.h"
#include "page.h"
#include "params.h"
#include "printk.h"
#include "slab.h"
#include "syscall.h"
#include "task.h"
#include "trace.h"
#include "ubd/ubd.h"

#include <linux/mount.h>

#define UMLITE_VERSION "0.1"

const struct um_mode_ops *um_mode;
static const struct um_mode_ops *skas_backend; /* skas=; NULL: probed at boot */
bool kernel_debug;
static u64 mem_size = (u64)CONFIG_PHYSMEM_DEFAULT_MB << 20;
static const char *initrd_path;
static const char *root_dev, *root_fstype, *root_data;
static unsigned long root_flags;
static char **saved_argv;
static bool noreboot;

static int set_mem(const char *v)
{
	u64 sz;

	if (params_parse_size(v, &sz) < 0) {
		printk(KERN_ERR "mem=%s: not a size (examples: mem=128M, mem=1G)\n", v);
		return -EINVAL;
	}
	if (sz < (16ULL << 20) || sz > (64ULL << 30)) {
		printk(KERN_ERR "mem=%s: must be between 16M and 64G\n", v);
		return -EINVAL;
	}
	mem_size = sz & PAGE_MASK;
	return 0;
}
KPARAM("mem", set_mem, KP_VALUE, "mem=SIZE          guest memory, e.g. 128M, 1G (default 256M)");

static int set_initrd(const char *v)
{
	if (!*v) {
		printk(KERN_ERR "initrd=: expected a file name\n");
		return -EINVAL;
	}
	initrd_path = v;
	return 0;
}
KPARAM("initrd", set_initrd, KP_VALUE, "initrd=FILE       cpio (newc, optionally gzip'd) unpacked into the root tmpfs");

static int set_init(const char *v)
{
	if (v[0] != '/') {
		printk(KERN_ERR "init=%s: must be an absolute path\n", v);
		return -EINVAL;
	}
	init_path = v;
	return 0;
}
KPARAM("init", set_init, KP_VALUE, "init=PATH         program to run as pid 1 (default /init, /sbin/init, /bin/sh)");

static int set_root(const char *v)
{
	if (!*v) {
		printk(KERN_ERR "root=: expected a device (root=/dev/ubda) or initramfs\n");
		return -EINVAL;
	}
	root_dev = v;
	return 0;
}
KPARAM("root", set_root, KP_VALUE, "root=DEV          root filesystem: a disk (/dev/ubda, 98:0) or initramfs (the default)");

static int set_rootfstype(const char *v)
{
	if (!*v) {
		printk(KERN_ERR "rootfstype=: expected a filesystem type (ext4, ext3, ext2)\n");
		return -EINVAL;
	}
	root_fstype = v;
	return 0;
}
KPARAM("rootfstype", set_rootfstype, KP_VALUE, "rootfstype=TYPE   filesystem of the root= disk (default ext4; ext3, ext2)");

static int set_rootflags(const char *v)
{
	root_data = v;
	return 0;
}
KPARAM("rootflags", set_rootflags, KP_VALUE, "rootflags=OPTS    mount options of the root= disk");

static int set_ro(const char *v)
{
	root_flags |= MS_RDONLY;
	return 0;
}
KPARAM("ro", set_ro, KP_FLAG, "ro                mount the root= disk read-only");

static int set_rw(const char *v)
{
	root_flags &= ~(unsigned long)MS_RDONLY;
	return 0;
}
KPARAM("rw", set_rw, KP_FLAG, "rw                mount the root= disk read-write (the default)");

/* root= names a disk (anything but the initramfs). */
static bool root_on_disk(void)
{
	return root_dev && strcmp(root_dev, "/dev/root") && strcmp(root_dev, "tmpfs") &&
	       strcmp(root_dev, "initramfs");
}

static int set_mode(const char *v)
{
	if (!strcmp(v, "skas")) {
		um_mode = NULL; /* the backend: skas=, or probed */
		return 0;
	}
	if (!strcmp(v, "tt") && IS_ENABLED(CONFIG_MODE_TT)) {
		um_mode = &tt_mode_ops;
		return 0;
	}
	if (!strcmp(v, "tt"))
		printk(KERN_ERR "mode=tt: TT mode is not built in this version (CONFIG_MODE_TT)\n");
	else
		printk(KERN_ERR "mode=%s: expected skas or tt\n", v);
	return -EINVAL;
}
KPARAM("mode", set_mode, KP_VALUE, "mode=skas|tt      execution mode (default skas)");

static int set_skas(const char *v)
{
	if (!strcmp(v, "ptrace")) {
		skas_backend = &skas_ptrace_ops;
		return 0;
	}
	if (!strcmp(v, "seccomp") && IS_ENABLED(CONFIG_SKAS_SECCOMP)) {
		skas_backend = &skas_seccomp_ops;
		return 0;
	}
	if (!strcmp(v, "seccomp"))
		printk(KERN_ERR "skas=seccomp: not built in (CONFIG_SKAS_SECCOMP is off)\n");
	else
		printk(KERN_ERR "skas=%s: expected ptrace or seccomp\n", v);
	return -EINVAL;
}
KPARAM("skas", set_skas, KP_VALUE, "skas=seccomp|ptrace  SKAS trap backend (default: seccomp where the host allows it)");

static int set_quiet(const char *v)
{
	console_loglevel = 3;
	return 0;
}
KPARAM("quiet", set_quiet, KP_FLAG, "quiet             only errors on stderr");

static int set_debug(const char *v)
{
	console_loglevel = 7;
	kernel_debug = true;
	return 0;
}
KPARAM("debug", set_debug, KP_FLAG, "debug             all kernel messages; unimplemented-call counts at halt");

static int set_loglevel(const char *v)
{
	const char *end;
	unsigned long long l = kstrtoull_prefix(v, &end, 10);

	if (end == v || *end || l > 7) {
		printk(KERN_ERR "loglevel=%s: expected 0..7\n", v);
		return -EINVAL;
	}
	console_loglevel = (int)l;
	return 0;
}
KPARAM("loglevel", set_loglevel, KP_VALUE, "loglevel=N        console log level 0..7 (default 4)");

static int set_noreboot(const char *v)
{
	noreboot = true;
	return 0;
}
KPARAM("noreboot", set_noreboot, KP_FLAG,
       "noreboot          halt (exit status 0) instead of rebooting");

static int show_version(const char *v)
{
	os_write_all(1, "um-lite " UMLITE_VERSION "\n", strlen("um-lite " UMLITE_VERSION "\n"));
	return KP_EXIT_OK;
}
KPARAM("--version", show_version, KP_FLAG, "");

void kernel_halt(int status)
{
	vfs_halt();
	if (IS_ENABLED(CONFIG_SYSCALL_TRACE))
		trace_flush();
	if (um_mode)
		um_mode->shutdown();
	if (kernel_debug)
		syscall_print_enosys();
	console_shutdown();
	os_exit(status);
}

void kernel_power_off_request(int status)
{
	printk(KERN_NOTICE "umlite: halting on request\n");
	kernel_halt(status);
}

/* Restart umlite; with noreboot halt with halt_status instead. */
static void __noreturn restart(int halt_status)
{
	int r;

	if (noreboot)
		kernel_halt(halt_status);
	vfs_halt(); /* the next kernel finds the disks clean */
	if (um_mode)
		um_mode->shutdown();
	console_shutdown();
	r = os_reexec(saved_argv);
	printk(KERN_ERR "umlite: cannot restart: exec of umlite failed: %s\n", os_strerror(r));
	os_exit(halt_status ? halt_status : 1);
}

void kernel_restart(void)
{
	restart(0);
}

void kernel_restart_after_panic(void)
{
	restart(UMLITE_EXIT_PANIC);
}

static int setup_memory(void)
{
	void *base;
	int fd = os_physmem_create(mem_size), r;

	if (fd < 0) {
		printk(KERN_ERR "umlite: cannot create the physmem file: %s\n", os_strerror(fd));
		return fd;
	}
	r = os_map_shared(fd, 0, mem_size, &base);
	if (r < 0) {
		printk(KERN_ERR "umlite: cannot map %llu bytes of guest memory: %s\n",
		       (unsigned long long)mem_size, os_strerror(r));
		return r;
	}
	r = page_init(base, mem_size, fd);
	if (r < 0) {
		printk(KERN_ERR "umlite: mem= too small\n");
		return r;
	}
	pr_info("physmem: %llu MiB, %lu frames free\n", (unsigned long long)(mem_size >> 20),
		page_nr_free());
	reclaim_init();
	return fd;
}

/* The root filesystem: the initramfs's tmpfs, or the root= disk. 0 or -errno (said why). */
static int mount_root(void)
{
	bool disk = root_on_disk();
	const char *type = root_fstype ? root_fstype : "ext4";
	int r = ext4_init();

	if (!r)
		r = vfs_init_root(disk ? type : NULL, root_dev, root_flags, root_data);
	if (!r)
		return 0;
	if (!disk)
		printk(KERN_ERR "umlite: cannot set up the root filesystem: %s\n", errname(r));
	else if (r == -ENODEV)
		printk(KERN_ERR "rootfstype=%s: unknown filesystem type (ext4, ext3, ext2)\n", type);
	else if (r == -ENXIO)
		printk(KERN_ERR "root=%s: no such block device (give its file with ubd0=FILE)\n",
		       root_dev);
	else
		printk(KERN_ERR "root=%s: cannot mount the root filesystem (%s)\n", root_dev,
		       errname(r));
	return r;
}

static int load_initramfs(void)
{
	void *buf;
	size_t len;
	int r;

	if (!initrd_path)
		return 0;
	if (root_on_disk()) {
		pr_warn("initrd=%s ignored: the root filesystem is root=%s\n", initrd_path, root_dev);
		return 0;
	}
	/* An archive larger than the guest's memory could never be unpacked into it. */
	r = os_read_file(initrd_path, &buf, &len, mem_size);
	if (r == -EFBIG) {
		printk(KERN_ERR "initrd=%s: larger than the guest's memory (mem=%llu M)\n",
		       initrd_path, (unsigned long long)(mem_size >> 20));
		return r;
	}
	if (r < 0) {
		printk(KERN_ERR "initrd=%s: %s\n", initrd_path, os_strerror(r));
		return r;
	}
	r = initramfs_unpack(buf, len);
	os_free(buf);
	if (r < 0)
		printk(KERN_ERR "initrd=%s: not a valid cpio archive (%s)\n", initrd_path, errname(r));
	return r;
}

static void automount(void)
{
	static const struct {
		const char *dir, *type;
	} mounts[] = { { "/proc", "proc" }, { "/sys", "sysfs" }, { "/dev", "devtmpfs" } };

	if (!IS_ENABLED(CONFIG_AUTOMOUNT))
		return;
	for (unsigned i = 0; i < ARRAY_SIZE(mounts); i++) {
		struct path p;
		int r;

		if (kern_path(AT_FDCWD, mounts[i].dir, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p) < 0)
			continue;
		path_put(&p);
		r = kern_mount(mounts[i].type, mounts[i].dir, mounts[i].type, 0, NULL);
		if (r < 0)
			pr_warn("cannot mount %s on %s: %s\n", mounts[i].type, mounts[i].dir,
				errname(r));
		else if (!strcmp(mounts[i].type, "devtmpfs"))
			devpts_automount();
	}
}

/*
 * Start the execution mode: the one asked for, or SKAS with the seccomp backend when the
 * host allows it (its init runs a whole stub up to its first hand-off) and ptrace if not.
 */
static int mode_start(int physmem_fd)
{
	int r;

	if (!um_mode && !skas_backend && IS_ENABLED(CONFIG_SKAS_SECCOMP)) {
		um_mode = &skas_seccomp_ops;
		r = um_mode->init(physmem_fd);
		if (r == 0)
			return 0;
		pr_info("skas=seccomp is not usable here (%s): using skas=ptrace\n",
			os_strerror(r));
	}
	if (!um_mode)
		um_mode = skas_backend ? skas_backend : &skas_ptrace_ops;
	return um_mode->init(physmem_fd);
}

int start_kernel(int argc, char **argv)
{
	int r, fd;

	saved_argv = argv;
	r = os_signals_init();
	if (r < 0)
		return 1;
	printk_init_clock();
	time_init();
	r = params_parse(argc, argv);
	if (r == KP_EXIT_OK)
		return 0;
	if (r < 0)
		return 2;
	if (os_page_size() != PAGE_SIZE) {
		printk(KERN_ERR "umlite: the host page size is not 4096\n");
		return 1;
	}
	if (mconsole_init() < 0)
		return 1;
	if (tt_check_options() < 0)
		return 2;
	fd = setup_memory();
	if (fd < 0)
		return 1;
	if (IS_ENABLED(CONFIG_UBD) && ubd_init() < 0)
		return 1;
	r = mode_start(fd);
	if (r < 0) {
		printk(KERN_ERR "umlite: %s: the host refused what this mode needs: %s\n",
		       um_mode->name, os_strerror(r));
		if (r == -EPERM)
			printk(KERN_ERR "umlite: ptrace is not permitted here (seccomp or a container "
					"policy?); it is needed to run guest code\n");
		return 1;
	}
	pr_info("mode: %s, FPU state %lu bytes (%s)\n", um_mode->name, um_fp_size,
		um_fp_xsave ? "xsave" : "fxsave");
	if (mount_root() < 0)
		return 1;
	if (load_initramfs() < 0)
		return 1;
	r = procfs_init();
	if (r == 0)
		r = sysfs_init();
	if (r == 0)
		r = net_init();
	if (r == 0)
		r = console_register_devices();
	if (r < 0) {
		printk(KERN_ERR "umlite: cannot register the built-in filesystems and devices: %s\n",
		       errname(r));
		return 1;
	}
	automount();
	console_init();
	r = init_task_start();
	if (r < 0)
		return 1;
	ksm_start();
	os_tick_start(CONFIG_HZ);
	sched_idle_loop();
}
