/*
 * config and remove: the registry of devices they reach (UML's mc_device list), the two
 * commands with UML's parsing and error strings, and the memory device.
 *
 * A device registers its name (the prefix of the command's argument) and its functions;
 * the first registered device whose name prefixes the argument is the one meant, as in
 * UML (ubd registers from drivers/ubd/ubd.c). UML device kinds that um-lite cannot
 * hot-plug yet (network, consoles) answer that they are not supported, instead of UML's
 * "Bad configuration option".
 *
 * mem: `config mem` answers the memory size now (the boot size less what the balloon holds;
 * UML prints an address there); `config mem=-N` / `config mem=+N` inflate and deflate the
 * balloon (kernel/mm/balloon.c), parsed as UML parses them. Unlike UML, a request that
 * cannot be met in full is an error naming what was done: a shrink takes what it can
 * and says how much, a grow past the boot size changes nothing. `remove mem` is UML's
 * refusal.
 */
#include "kernel.h"
#include "mconsole.h"
#include "page.h"
#include "swap.h"
#include "params.h"
#include "slab.h"
#include "mconsole/mconsole_kern.h"

static LIST_HEAD(devices);

void mconsole_register_dev(struct mc_device *dev)
{
	list_add_tail(&dev->list, &devices);
}

static struct mc_device *find_dev(const char *arg)
{
	struct mc_device *dev;

	list_for_each_entry(dev, &devices, list) {
		if (!strncmp(arg, dev->name, strlen(dev->name)))
			return dev;
	}
	return NULL;
}

/* Answer for UML devices not available here; false when arg names none of them. */
static bool reply_not_supported(struct mc_request *req, const char *arg)
{
	static const char *const kinds[] = { "ubd", "eth", "vec", "con", "ssl", "virtio" };
	/* ubd answers here only when it is left out of the build (CONFIG_UBD) */
	char msg[96];

	for (unsigned i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strncmp(arg, kinds[i], strlen(kinds[i])))
			continue;
		ksnprintf(msg, sizeof(msg), "%s devices cannot be configured at run time "
			  "(not supported by um-lite yet)", kinds[i]);
		mconsole_reply(req, msg, true, false);
		return true;
	}
	return false;
}

static void get_config(struct mc_request *req, struct mc_device *dev, const char *rest)
{
	const char *error = NULL;
	char *buf;
	int r;

	if (!dev->get_config) {
		mconsole_reply(req, "No get_config routine defined", true, false);
		return;
	}
	buf = kzalloc(PAGE_SIZE);
	if (!buf) {
		mconsole_reply(req, "Failed to allocate buffer", true, false);
		return;
	}
	r = dev->get_config(rest, buf, PAGE_SIZE, &error);
	if (r < 0 || error)
		mconsole_reply(req, error ? error : errname(r), true, false);
	else
		mconsole_reply(req, buf, false, false);
	kfree(buf);
}

void mconsole_config(struct mc_request *req)
{
	const char *arg = mconsole_argument(req->text, MC_CMD_CONFIG), *rest;
	const char *error = NULL;
	struct mc_device *dev = find_dev(arg);
	int r;

	if (!dev) {
		if (!reply_not_supported(req, arg))
			mconsole_reply(req, "Bad configuration option", true, false);
		return;
	}
	rest = arg + strlen(dev->name);
	if (!strchr(rest, '=')) {
		get_config(req, dev, rest);
		return;
	}
	r = dev->config ? dev->config(rest, &error) : -EOPNOTSUPP;
	if (r < 0 && !error)
		error = errname(r);
	mconsole_reply(req, r < 0 ? error : "", r < 0, false);
}

void mconsole_remove(struct mc_request *req)
{
	const char *arg = mconsole_argument(req->text, MC_CMD_REMOVE), *rest;
	const char *error = NULL;
	struct mc_device *dev = find_dev(arg);
	char msg[96];
	int n, start, end, r;

	if (!dev) {
		if (!reply_not_supported(req, arg))
			mconsole_reply(req, "Bad remove option", true, false);
		return;
	}
	rest = arg + strlen(dev->name);
	n = dev->id ? dev->id(&rest, &start, &end) : -1;
	if (n < 0) {
		mconsole_reply(req, "Couldn't parse device number", true, false);
		return;
	}
	if (n < start || n > end) {
		ksnprintf(msg, sizeof(msg), "Invalid device number - must be between %d and %d",
			  start, end);
		mconsole_reply(req, msg, true, false);
		return;
	}
	r = dev->remove ? dev->remove(n, &error) : -EOPNOTSUPP;
	if (r == -ENODEV && !error)
		error = "Device doesn't exist";
	else if (r == -EBUSY && !error)
		error = "Device is currently open";
	else if (r < 0 && !error)
		error = errname(r);
	mconsole_reply(req, r < 0 ? error : "", r < 0, false);
}

/* ---- the memory device */

static char mem_msg[128]; /* a reply built at run time (single-threaded kernel) */

/* config mem=-N: take N bytes (whole pages) from the guest; the shortfall is an error. */
static int mem_shrink(unsigned long frames, const char *asked, const char **error)
{
	unsigned long taken = balloon_inflate(frames);

	/* What is not free is reclaimed (page cache, swap) a batch at a time, never killed for. */
	while (taken < frames && vmscan_reclaim(min(frames - taken, 4096UL)))
		taken += balloon_inflate(frames - taken);
	if (taken == frames)
		return 0;
	ksnprintf(mem_msg, sizeof(mem_msg), "Could take only %luM of the %.16s asked: the "
		  "rest is in use (memory is now %luM)", taken * PAGE_SIZE >> 20, asked,
		  page_nr_total() * PAGE_SIZE >> 20);
	*error = mem_msg;
	return -ENOMEM;
}

/* config mem=+N: give back N bytes the balloon took; never past the boot size. */
static int mem_grow(unsigned long frames, const char **error)
{
	if (!balloon_deflate(frames))
		return 0;
	ksnprintf(mem_msg, sizeof(mem_msg), "Memory can't grow beyond its boot size (mem=%luM): "
		  "only %luM were taken", (unsigned long)(physmem_size >> 20),
		  balloon_nr_frames() * PAGE_SIZE >> 20);
	*error = mem_msg;
	return -ENOSPC;
}

static int mem_config(const char *str, const char **error)
{
	u64 size;

	if (str[0] != '=') {
		*error = "Expected '=' after 'mem'";
		return -EINVAL;
	}
	if (str[1] != '-' && str[1] != '+') {
		*error = "Expected increment to start with '-' or '+'";
		return -EINVAL;
	}
	if (params_parse_size(str + 2, &size) < 0) {
		*error = "Failed to parse memory increment";
		return -EINVAL;
	}
	if (size < PAGE_SIZE) {
		*error = "Memory increment must be at least one page (4K)";
		return -EINVAL;
	}
	size >>= PAGE_SHIFT;
	if (size > page_nr_boot_total())
		size = page_nr_boot_total() + 1; /* more than any request can be met with */
	return str[1] == '-' ? mem_shrink(size, str + 2, error) : mem_grow(size, error);
}

static int mem_get_config(const char *str, char *buf, size_t size, const char **error)
{
	if (*str) {
		*error = "Expected '=' after 'mem'";
		return -EINVAL;
	}
	ksnprintf(buf, size, "%luM", page_nr_total() * PAGE_SIZE >> 20);
	return 0;
}

static int mem_id(const char **str, int *start, int *end)
{
	*start = 0;
	*end = 0;
	return 0;
}

static int mem_remove(int n, const char **error)
{
	*error = "Memory doesn't support the remove operation";
	return -EBUSY;
}

static struct mc_device mem_device = {
	.list = LIST_HEAD_INIT(mem_device.list),
	.name = "mem",
	.config = mem_config,
	.get_config = mem_get_config,
	.id = mem_id,
	.remove = mem_remove,
};

void mconsole_register_builtin(void)
{
	mconsole_register_dev(&mem_device);
}
