/*
 * config and remove: the registry of devices they reach (UML's mc_device list), the two
 * commands with UML's parsing and error strings, and the memory device.
 *
 * A device registers its name (the prefix of the command's argument) and its functions;
 * the first registered device whose name prefixes the argument is the one meant, as in
 * UML. UML device kinds that um-lite cannot hot-plug yet (ubd, network, consoles) answer
 * that they are not supported, instead of UML's "Bad configuration option".
 *
 * mem: `config mem` answers the memory size; `config mem=+N` / `config mem=-N` (the
 * balloon of UML) is parsed as UML parses it and then refused: it belongs to a later
 * version. `remove mem` is UML's refusal.
 */
#include "kernel.h"
#include "mconsole.h"
#include "page.h"
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
	*error = "Memory hot-plug (config mem=) is not supported by um-lite yet";
	return -EOPNOTSUPP;
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
