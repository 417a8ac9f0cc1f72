/*
 * The management console, kernel half: the umid=, uml_dir= and mconsole= options, the
 * request path, the mconsole kernel thread, replies, stop/go and notifications. The
 * commands themselves are in mconsole_cmds.c and mconsole_dev.c; the host work (directory,
 * socket) in mconsole_host.c.
 *
 * Request path (UML's mconsole_kern.c, same split): SIGIO, or any tick, makes irq_handle
 * call mconsole_poll, which reads the waiting datagrams (a bounded batch; the rest wait for
 * the next tick) and checks each (mconsole_proto.c). A bad one gets its error reply and is
 * dropped. Commands UML runs at interrupt time (help, sysrq, cad, go, log, stack) run at
 * once; the others (version, halt, reboot, config, remove, stop, proc) are queued for the
 * "mconsole" kernel thread, made at the first such request. It runs them as a task of its
 * own with root's credentials and no file table, whatever guest task was interrupted.
 *
 * stop: the thread answers "stopped" and then blocks on the socket itself, serving every
 * request synchronously until go. The kernel runs on one host thread, so nothing else runs
 * meanwhile: no guest code, no tick work. A host SIGTERM/SIGHUP ends the stop (and then
 * halts, as usual).
 *
 * Concurrency: all of this runs on the kernel's one thread (kernel/sched.c). mconsole_poll
 * is not re-entered (irq_handle is not); the stop loop has its own receive buffer.
 */
#include "kernel.h"
#include "init.h"
#include "mconsole.h"
#include "os.h"
#include "params.h"
#include "printk.h"
#include "slab.h"
#include "task.h"
#include "mconsole/mconsole_kern.h"

#define POLL_BATCH 16     /* datagrams read per poll */
#define MAX_QUEUED 16     /* requests waiting for the thread; more are refused */
#define LOG_REPLY_MAX (256 * 1024) /* kernel log sent back for one sysrq or stack */

static char umid[MCONSOLE_UMID_MAX + 1];
static bool umid_given, dir_given;
static const char *uml_dir;
static char notify_path[MCONSOLE_PATH_MAX + 1];
static char sock_path[MCONSOLE_PATH_MAX + 1];
static int mc_fd = -1;
static bool stopped;

static LIST_HEAD(work_queue);
static unsigned nr_queued;
static struct task *worker;

/* ---- command-line options */

static int set_umid(const char *v)
{
	size_t n = strlen(v);

	if (n == 0 || n > MCONSOLE_UMID_MAX || strchr(v, '/') || !strcmp(v, ".") ||
	    !strcmp(v, "..")) {
		printk(KERN_ERR "umid=%s: a umid is 1 to %d characters, without '/'\n", v,
		       MCONSOLE_UMID_MAX);
		return -EINVAL;
	}
	memcpy(umid, v, n + 1);
	umid_given = true;
	return 0;
}
KPARAM("umid", set_umid, KP_VALUE,
       "umid=NAME         name of this instance: UML_DIR/NAME/{pid,mconsole} (default: random)");

static int set_uml_dir(const char *v)
{
	if (!*v) {
		printk(KERN_ERR "uml_dir=: expected a directory\n");
		return -EINVAL;
	}
	uml_dir = v;
	dir_given = true;
	return 0;
}
KPARAM("uml_dir", set_uml_dir, KP_VALUE,
       "uml_dir=DIR       where umid directories are made (default ~/.uml)");

static int set_mconsole(const char *v)
{
	const char *path = v + strlen("notify:");

	if (strncmp(v, "notify:", strlen("notify:")) || !*path ||
	    strlen(path) > MCONSOLE_PATH_MAX) {
		printk(KERN_ERR "mconsole=%s: expected notify:SOCKET-PATH (at most %d bytes)\n", v,
		       MCONSOLE_PATH_MAX);
		return -EINVAL;
	}
	kstrlcpy(notify_path, path, sizeof(notify_path));
	return 0;
}
KPARAM("mconsole", set_mconsole, KP_VALUE,
       "mconsole=notify:SOCKET  send mconsole notifications (ready, panic, user) to SOCKET");

/* ---- notifications */

static void notify(u32 type, const void *data, size_t len)
{
	struct mconsole_notify n;

	if (!notify_path[0])
		return;
	len = min(len, sizeof(n.data));
	n.magic = MCONSOLE_MAGIC;
	n.version = MCONSOLE_VERSION;
	n.type = type;
	n.len = (u32)len;
	memcpy(n.data, data, len);
	mconsole_host_notify(notify_path, &n, MCONSOLE_NOTIFY_HDR + len);
}

void mconsole_notify_panic(const char *msg)
{
	notify(MCONSOLE_NOTIFY_PANIC, msg, strlen(msg) + 1);
}

long mconsole_notify_user(const char *buf, size_t len)
{
	if (!notify_path[0])
		return -ENXIO;
	len = min(len, (size_t)MCONSOLE_MAX_DATA);
	notify(MCONSOLE_NOTIFY_USER, buf, len);
	return (long)len;
}

/* ---- setup */

/* The directory holding umid directories: uml_dir= or $HOME/.uml; false when none. */
static bool base_dir(char *buf, size_t size)
{
	const char *home = os_getenv("HOME");
	size_t n;

	if (uml_dir)
		kstrlcpy(buf, uml_dir, size);
	else if (home && *home)
		ksnprintf(buf, size, "%s/.uml", home);
	else
		return false;
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return true;
}

/* A setup failure stops the boot only when the user asked for this umid or directory. */
static int setup_failed(const char *what, const char *dir, int err)
{
	if (!umid_given && !dir_given) {
		pr_info("mconsole: %s %s/%s: %s; no management console\n", what, dir, umid,
			os_strerror(err));
		return 0;
	}
	printk(KERN_ERR "umid=%s: %s %s/%s: %s\n", umid, what, dir, umid, os_strerror(err));
	return err;
}

int mconsole_init(void)
{
	char dir[256];
	int owner, r;

	if (!IS_ENABLED(CONFIG_MCONSOLE))
		return 0;
	mconsole_register_builtin();
	if (!base_dir(dir, sizeof(dir))) {
		pr_info("mconsole: no $HOME and no uml_dir=: no management console\n");
		return 0;
	}
	r = mconsole_host_umid_dir(dir, umid, &owner);
	if (r == -EADDRINUSE) {
		printk(KERN_ERR "umid=%s: umid in use by the running instance with pid %d "
				"(%s/%s)\n", umid, owner, dir, umid);
		return r;
	}
	if (r < 0)
		return setup_failed("cannot make the umid directory", dir, r);
	if (ksnprintf(sock_path, sizeof(sock_path), "%s/%s/mconsole", dir, umid) >=
	    (int)sizeof(sock_path))
		return setup_failed("socket path too long under", dir, -ENAMETOOLONG);
	mc_fd = mconsole_host_socket(sock_path);
	if (mc_fd < 0)
		return setup_failed("cannot make the mconsole socket in", dir, mc_fd);
	pr_info("mconsole (version 2) initialized on %s\n", sock_path);
	notify(MCONSOLE_NOTIFY_SOCKET, sock_path, strlen(sock_path) + 1);
	return 0;
}

/* ---- replies */

void mconsole_reply_len(struct mc_request *req, const char *str, size_t len, bool err,
			bool more)
{
	struct mconsole_reply r;
	size_t used, pkt;

	do {
		if (req->dead)
			return;
		used = mconsole_fill_reply(&r, str, len, err, more, &pkt);
		if (mconsole_host_send(mc_fd, &r, pkt, &req->peer) < 0)
			req->dead = true;
		err = false;
		str += used;
		len -= used;
	} while (len > 0);
}

void mconsole_reply(struct mc_request *req, const char *str, bool err, bool more)
{
	mconsole_reply_len(req, str, strlen(str), err, more);
}

/* Copy log text, dropping the "<level>[ seconds.micros] " that starts each stored line. */
struct log_filter {
	enum { LF_START, LF_LEVEL, LF_OPEN, LF_TIME, LF_SPACE, LF_TEXT } state;
};

static size_t log_filter(struct log_filter *f, char *dst, const char *src, size_t n)
{
	size_t out = 0;

	for (size_t i = 0; i < n; i++) {
		char c = src[i];

		switch (f->state) {
		case LF_START:
			f->state = c == '<' ? LF_LEVEL : LF_TEXT;
			if (c == '<')
				continue;
			break;
		case LF_LEVEL:
			if (c == '>')
				f->state = LF_OPEN;
			continue;
		case LF_OPEN:
			f->state = c == '[' ? LF_TIME : LF_TEXT;
			if (c == '[')
				continue;
			break;
		case LF_TIME:
			if (c == ']')
				f->state = LF_SPACE;
			continue;
		case LF_SPACE:
			f->state = LF_TEXT;
			if (c == ' ')
				continue;
			break;
		case LF_TEXT:
			break;
		}
		dst[out++] = c;
		if (c == '\n')
			f->state = LF_START;
	}
	return out;
}

void mconsole_reply_log(struct mc_request *req, void (*fn)(void *), void *arg)
{
	struct log_filter filter = { LF_START };
	unsigned long pos = printk_log_pos();
	size_t n, total = 0;
	char *raw, *text;

	fn(arg);
	raw = kmalloc(2 * PAGE_SIZE);
	if (!raw) {
		mconsole_reply(req, "Out of memory", true, false);
		return;
	}
	text = raw + PAGE_SIZE;
	while (total < LOG_REPLY_MAX && (n = printk_log_read(raw, PAGE_SIZE, &pos)) > 0) {
		n = log_filter(&filter, text, raw, n);
		mconsole_reply_len(req, text, n, false, true);
		total += n;
	}
	mconsole_reply(req, "", false, false);
	kfree(raw);
}

/* ---- receiving */

/* Check one datagram: a request to run, or NULL when it was answered (or dropped). */
static struct mc_request *take_datagram(const void *raw, long n,
					const struct mconsole_peer *peer)
{
	struct mc_request *req = kzalloc(sizeof(*req));
	enum mc_req_status st;
	int cmd;

	if (!req)
		return NULL;
	req->peer = *peer;
	st = mconsole_check_request(raw, (size_t)n, req->text);
	if (st == MC_REQ_V0) {
		mconsole_host_send(mc_fd, MCONSOLE_V0_REPLY, strlen(MCONSOLE_V0_REPLY), peer);
		goto done;
	}
	if (st != MC_REQ_OK) {
		mconsole_reply(req, mconsole_req_error(st), true, false);
		goto done;
	}
	cmd = mconsole_lookup(req->text);
	if (cmd < 0) {
		mconsole_reply(req, "Unknown command", true, false);
		goto done;
	}
	req->cmd = cmd;
	return req;
done:
	kfree(req);
	return NULL;
}

static void worker_main(void *unused)
{
	struct mc_request *req;

	for (;;) {
		while (!list_empty(&work_queue)) {
			req = list_first_entry(&work_queue, struct mc_request, link);
			list_del(&req->link);
			nr_queued--;
			mconsole_run(req);
			kfree(req);
		}
		task_set_state(current, TASK_INTERRUPTIBLE);
		current->wchan = "mconsole";
		if (list_empty(&work_queue))
			schedule();
		task_set_state(current, TASK_RUNNING);
		current->wchan = NULL;
	}
}

/* Hand req to the mconsole thread (made on first use); run it here if there is none. */
static void queue_request(struct mc_request *req)
{
	if (nr_queued >= MAX_QUEUED) {
		mconsole_reply(req, "Too many requests waiting", true, false);
		kfree(req);
		return;
	}
	if (!worker) {
		struct task *t = task_create_kthread("mconsole", worker_main, NULL);

		if (IS_ERR(t)) {
			pr_warn("mconsole: cannot start its thread (%s)\n", errname(PTR_ERR(t)));
			mconsole_run(req);
			kfree(req);
			return;
		}
		worker = t;
	}
	list_add_tail(&req->link, &work_queue);
	nr_queued++;
	wake_up_process(worker);
	need_resched = true; /* run it now, not at the next tick of a busy guest */
}

void mconsole_poll(void)
{
	static struct mconsole_request raw;
	struct mconsole_peer peer;
	struct mc_request *req;
	long n;

	if (mc_fd < 0 || stopped)
		return;
	for (int i = 0; i < POLL_BATCH; i++) {
		n = mconsole_host_recv(mc_fd, &raw, sizeof(raw), &peer, 0);
		if (n < 0)
			return;
		req = take_datagram(&raw, n, &peer);
		if (!req)
			continue;
		if (mconsole_cmd_at_once(req->cmd)) {
			mconsole_run(req);
			kfree(req);
		} else {
			queue_request(req);
		}
	}
}

/* ---- stop and go */

/* Serve requests until go (returned), or NULL when the host asks umlite to end. */
static struct mc_request *serve_stopped(void)
{
	static struct mconsole_request raw;
	struct mconsole_peer peer;
	struct mc_request *req;
	long n;

	for (;;) {
		n = mconsole_host_recv(mc_fd, &raw, sizeof(raw), &peer, 1);
		if (n == -EINTR) {
			if (os_irq_peek() & OS_IRQ_HOSTTERM)
				return NULL;
			continue;
		}
		if (n < 0)
			return NULL;
		req = take_datagram(&raw, n, &peer);
		if (!req)
			continue;
		if (req->cmd == MC_CMD_GO)
			return req;
		if (req->cmd == MC_CMD_STOP)
			mconsole_reply(req, "Already stopped", true, false);
		else
			mconsole_run(req);
		kfree(req);
	}
}

void mconsole_stop(struct mc_request *req)
{
	struct mc_request *go;

	if (stopped) {
		mconsole_reply(req, "Already stopped", true, false);
		return;
	}
	stopped = true;
	pr_info("mconsole: stopped\n");
	mconsole_reply(req, "stopped", false, false);
	go = serve_stopped();
	stopped = false;
	pr_info("mconsole: running again\n");
	if (go) {
		mconsole_reply(go, "", false, false);
		kfree(go);
	}
}

void mconsole_go(struct mc_request *req)
{
	mconsole_reply(req, "Not stopped", true, false);
}
