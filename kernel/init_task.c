/*
 * pid 1: the init task.
 *
 * init_task_start (called once at boot, before any other task exists) builds pid 1 by
 * hand: root credentials, its own thread group (process group and session 1, the initial
 * resource limits), default signal handlers, an empty descriptor table and an fs_struct at
 * the root of the mount tree. No parent: the kernel halts when it exits (kernel/exit.c).
 *
 * Its kernel function opens /dev/console once as descriptors 0, 1 and 2 (one open file,
 * as Linux's console_on_rootfs; the open makes the console init's controlling terminal),
 * then executes init= (or the first of /init, /sbin/init, /etc/init, /bin/init, /bin/sh
 * that works) with the arguments and environment collected from the command line, and
 * becomes a guest task (task_user_loop). When nothing can be run, umlite exits with
 * UMLITE_EXIT_NOINIT.
 */
#include "kernel.h"
#include "console.h"
#include "console/tty_dev.h"
#include "fs.h"
#include "init.h"
#include "params.h"
#include "sig.h"
#include "task.h"

static const char *const default_inits[] = {
	"/init", "/sbin/init", "/etc/init", "/bin/init", "/bin/sh",
};

static const char *const default_env[] = {
	"HOME=/", "TERM=linux", "PATH=/sbin:/usr/sbin:/bin:/usr/bin",
};

static void open_console(void)
{
	struct file *f = file_open(AT_FDCWD, "/dev/console", O_RDWR, 0);
	int fd;

	if (IS_ERR(f)) {
		pr_warn("init: cannot open /dev/console: %s\n", errname(PTR_ERR(f)));
		return;
	}
	file_get(f);
	file_get(f);
	for (int i = 0; i < 3; i++) {
		fd = fd_install(f, i, false);
		if (fd != i) {
			pr_warn("init: cannot install the console as descriptor %d: %s\n", i,
				errname(fd < 0 ? fd : -EBADF));
			while (i++ < 3)
				file_put(f);
			return;
		}
	}
	/* The console's open normally made it our controlling terminal already. */
	if (!current->signal->tty && console_tty())
		tty_set_ctty(console_tty());
}

/* True when the command line's environment sets the variable of assignment def. */
static bool env_overridden(const char *def)
{
	size_t n = (size_t)(strchr(def, '=') - def) + 1;

	for (int i = 0; i < init_envc && i < (int)ARRAY_SIZE(init_envp); i++) {
		if (init_envp[i] && !strncmp(init_envp[i], def, n))
			return true;
	}
	return false;
}

static void build_env(const char **envp)
{
	int n = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(default_env); i++) {
		if (!env_overridden(default_env[i]))
			envp[n++] = default_env[i];
	}
	for (int i = 0; i < init_envc && i < (int)ARRAY_SIZE(init_envp); i++)
		envp[n++] = init_envp[i];
	envp[n] = NULL;
}

/*
 * Execute path as init; returns only on failure, with the errno. params.c keeps
 * init_argv[0] free for argv[0]: the arguments are init_argv[1..init_argc).
 */
static int try_init(const char *path, const char *const *envp)
{
	const char *argv[ARRAY_SIZE(init_argv) + 1];
	int n = 0;

	argv[n++] = path;
	for (int i = 1; i < init_argc && i < (int)ARRAY_SIZE(init_argv); i++)
		argv[n++] = init_argv[i];
	argv[n] = NULL;
	return kernel_execve(path, argv, envp);
}

static void init_main(void *unused)
{
	const char *envp[ARRAY_SIZE(default_env) + ARRAY_SIZE(init_envp) + 1];
	int err[ARRAY_SIZE(default_inits)];

	open_console();
	build_env(envp);
	if (init_path) {
		err[0] = try_init(init_path, envp);
		if (err[0] == 0)
			task_user_loop(NULL);
		printk(KERN_ERR "umlite: cannot run init (%s: %s)\n", init_path, errname(err[0]));
		kernel_halt(UMLITE_EXIT_NOINIT);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(default_inits); i++) {
		err[i] = try_init(default_inits[i], envp);
		if (err[i] == 0)
			task_user_loop(NULL);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(default_inits); i++)
		printk(KERN_ERR "umlite: cannot run init (%s: %s)\n", default_inits[i],
		       errname(err[i]));
	kernel_halt(UMLITE_EXIT_NOINIT);
}

/* Give t the resources of a fresh process: its own group and session, root's view. */
static int init_resources(struct task *t)
{
	t->signal = task_signal_alloc();
	t->sighand = sighand_alloc();
	t->files = files_alloc();
	t->fs = fs_struct_alloc_root();
	if (!t->signal || !t->sighand || !t->files || !t->fs)
		return -ENOMEM;
	t->signal->pgid = 1;
	t->signal->sid = 1;
	return 0;
}

int init_task_start(void)
{
	struct task *t;
	int pid = pid_alloc(), r;

	if (pid != 1) {
		if (pid > 0)
			pid_free(pid);
		printk(KERN_ERR "umlite: cannot create init: pid 1 is not free\n");
		return pid < 0 ? pid : -EBUSY;
	}
	t = task_alloc(init_main, NULL);
	if (!t) {
		pid_free(pid);
		return -ENOMEM;
	}
	r = init_resources(t);
	if (r < 0) {
		task_free(t);
		pid_free(pid);
		printk(KERN_ERR "umlite: cannot create init: %s\n", errname(r));
		return r;
	}
	t->pid = t->tgid = pid;
	t->group_leader = t;
	t->parent = NULL;
	memset(&t->cred, 0, sizeof(t->cred));
	cred_caps_init(&t->cred);
	t->blocked = 0;
	kstrlcpy(t->comm, "init", sizeof(t->comm));
	pid_attach(t);
	sched_enqueue(t);
	return 0;
}
