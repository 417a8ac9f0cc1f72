/*
 * ubd block devices, kernel side: the ubdN= command line in UML's syntax, opening the
 * host files at boot, plain images, and registration with the block layer (blkdev.h) as
 * ubda..ubdp, block major 98, 16 minors each. COW files are ubd_cow.c's; host I/O is
 * ubd_host.c's.
 *
 *   ubd<N><flags>=<file>[,<backing>][,<serial>]     (':' may replace ',')
 *
 * N is 0..15 or a..p. Flags: r read-only, s synchronous (O_SYNC), d data only (never a
 * COW file), c shared (no host lock), t no trim. With two names the first is the COW
 * file, created on first use; a single name that carries a COW header is used as a COW
 * file over the backing file its header names. ubd=sync makes every device synchronous.
 *
 * Every bad word, missing or unusable file is an error naming the device and the file;
 * the instance does not boot with a device it could not open.
 *
 * Hot-plug (UML's mconsole device "ubd"): `config ubdN=<same syntax>` adds a device to a
 * running instance (its /dev node appears in every mounted devtmpfs), `config ubdN` tells
 * its files, `remove ubdN` takes it away, refused while it is mounted or open.
 */
#include "kernel.h"
#include "blkdev.h"
#include "fs.h"
#include "mconsole.h"
#include "os.h"
#include "page.h"
#include "params.h"
#include "printk.h"
#include "slab.h"
#include "ubd.h"
#include "ubd_dev.h"
#include "ubd_host.h"

static struct ubd ubd_devs[UBD_MAX_DEV];
bool ubd_global_sync;
bool ubd_ignore_mtime;

/* ---- the command line */

/* "0".."15" or "a".."p"; advances *p. -1 when there is no number. */
static int parse_unit(const char **p)
{
	const char *s = *p;
	int n = 0;

	if (*s >= 'a' && *s <= 'z') {
		*p = s + 1;
		return *s - 'a';
	}
	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9' && n < 1000)
		n = n * 10 + (*s++ - '0');
	*p = s;
	return n;
}

bool ubd_share = true;

/* ubd_share=on|off */
static int ubd_share_setup(const char *word, const char *v)
{
	if (!strcmp(v, "on") || !strcmp(v, "1")) {
		ubd_share = true;
		return 0;
	}
	if (!strcmp(v, "off") || !strcmp(v, "0")) {
		ubd_share = false;
		return 0;
	}
	printk(KERN_ERR "%s: expected ubd_share=on or ubd_share=off\n", word);
	return -EINVAL;
}

static int ubd_global(const char *word, const char *v)
{
	if (!strcmp(v, "sync")) {
		ubd_global_sync = true;
		return 0;
	}
	if (!strcmp(v, "ignore-mtime")) {
		ubd_ignore_mtime = true;
		return 0;
	}
	if (*v >= '0' && *v <= '9')
		printk(KERN_ERR "%s: fake major not supported any more\n", word);
	else
		printk(KERN_ERR "%s: expected ubd=sync or ubd=ignore-mtime\n", word);
	return -EINVAL;
}

static int parse_flags(struct ubd *dev, const char **p, const char **error)
{
	int nflags = 0;

	for (; **p != '='; (*p)++) {
		switch (**p) {
		case 'r':
			dev->ro = true;
			break;
		case 's':
			dev->sync = true;
			break;
		case 'd':
			dev->no_cow = true;
			break;
		case 'c':
			dev->shared = true;
			break;
		case 't':
			dev->no_trim = true;
			break;
		case '\0':
			*error = "Missing '='";
			return -EINVAL;
		default:
			*error = "Expected '=' or flag letter (r, s, c, t or d)";
			return -EINVAL;
		}
		if (++nflags > 6) {
			*error = "Too many flags specified";
			return -EINVAL;
		}
	}
	(*p)++;
	return 0;
}

/* The next field of a ,- or :-separated list; *p moves past its separator. */
static struct ubd_name next_field(const char **p)
{
	struct ubd_name n = { *p, 0 };

	while ((*p)[n.len] && (*p)[n.len] != ',' && (*p)[n.len] != ':')
		n.len++;
	*p += n.len;
	if (**p)
		(*p)++;
	return n;
}

static int parse_names(struct ubd *dev, const char *p, const char **error)
{
	dev->file = next_field(&p);
	dev->backing = next_field(&p);
	dev->serial = next_field(&p);
	if (*p)
		*error = "Too many fields (expected FILE[,BACKING[,SERIAL]])";
	else if (!dev->file.len)
		*error = "No file given";
	else if (dev->file.len >= PATH_MAX_LEN || dev->backing.len >= PATH_MAX_LEN)
		*error = "File name too long";
	else if (dev->backing.len && dev->no_cow)
		*error = "Can't specify both 'd' and a cow file";
	else
		return 0;
	return -EINVAL;
}

/*
 * Parse "<N><flags>=<file>[,<backing>][,<serial>]" (what follows "ubd") into *cfg, for
 * the device *unit, which must not be configured yet. The names point into spec, which
 * must live as long as the device. 0, or -EINVAL with UML's error text in *error.
 */
static int ubd_parse(const char *spec, struct ubd *cfg, int *unit, const char **error)
{
	const char *p = spec;
	int n = parse_unit(&p), r;

	if (n < 0) {
		*error = "Couldn't parse device number";
		return -EINVAL;
	}
	if (n >= UBD_MAX_DEV) {
		*error = "Device number out of range (0..15 or a..p)";
		return -EINVAL;
	}
	if (ubd_devs[n].configured) {
		*error = "Device is already configured";
		return -EINVAL;
	}
	memset(cfg, 0, sizeof(*cfg));
	r = parse_flags(cfg, &p, error);
	if (r == 0)
		r = parse_names(cfg, p, error);
	*unit = n;
	return r;
}

/* One ubd... word of the command line (the whole word: KP_PREFIX). */
static int ubd_setup(const char *word)
{
	const char *error = NULL;
	struct ubd cfg;
	int n;

	if (!IS_ENABLED(CONFIG_UBD)) {
		printk(KERN_ERR "%s: this umlite was built without ubd (CONFIG_UBD)\n", word);
		return -EINVAL;
	}
	if (word[3] == '=')
		return ubd_global(word, word + 4);
	if (!strncmp(word, "ubd_share=", 10))
		return ubd_share_setup(word, word + 10);
	if (ubd_parse(word + 3, &cfg, &n, &error) < 0) {
		printk(KERN_ERR "%s: %s\n", word, error);
		return -EINVAL;
	}
	ubd_devs[n] = cfg;
	ubd_devs[n].unit = n;
	ubd_devs[n].configured = true;
	return 0;
}
KPARAM("ubd", ubd_setup, KP_PREFIX,
       "ubdN[rsdct]=FILE[,BACKING]  disk /dev/ubdX (N 0..15 or a..p) on a host file; with\n"
       "                    BACKING, FILE is its UML COW file (made if absent); r read-only,\n"
       "                    s sync, d never COW, c no host lock, t no trim\n"
       "  ubd=sync          all ubd devices synchronous (O_SYNC)\n"
       "  ubd=ignore-mtime  accept COW files whose backing file's mtime changed\n"
       "  ubd_share=on|off  map unmodified backing-file pages from the host, shared (on)");

static int udb_typo(const char *word)
{
	printk(KERN_WARNING "%s: udb is almost certainly a typo for ubd; ignored\n", word);
	return 0;
}
KPARAM("udb", udb_typo, KP_PREFIX, "");

/* ---- opening */

int ubd_open_file(struct ubd *dev, const char *path, bool write, bool create)
{
	int flags = (write ? UBD_OPEN_WRITE : 0) | (create ? UBD_OPEN_CREATE : 0);
	int fd, r;

	if (write && (dev->sync || ubd_global_sync))
		flags |= UBD_OPEN_SYNC;
	fd = ubd_host_open(path, flags);
	if (fd < 0)
		return fd;
	if (dev->shared)
		return fd;
	r = ubd_host_lock(fd, write);
	if (r < 0) {
		printk(KERN_ERR "ubd%d: failed to lock '%s' (%s): is another instance using it?\n",
		       dev->unit, path, os_strerror(r));
		ubd_host_close(fd);
		return -EBUSY;
	}
	return fd;
}

/* Open dev->path read-write unless r, falling back to read-only as UML does. */
static int open_image(struct ubd *dev)
{
	int fd = -EROFS;

	if (!dev->ro)
		fd = ubd_open_file(dev, dev->path, true, false);
	if (fd == -EROFS || fd == -EACCES) {
		fd = ubd_open_file(dev, dev->path, false, false);
		if (fd >= 0 && !dev->ro)
			printk(KERN_NOTICE "ubd%d: '%s' is not writable: read-only device\n",
			       dev->unit, dev->path);
		dev->ro = true;
	}
	return fd;
}

static int setup_plain(struct ubd *dev, int fd)
{
	struct ubd_host_stat st;
	int r = ubd_host_fstat(fd, &st);

	if (r < 0)
		return r;
	if (!st.regular) {
		printk(KERN_ERR "ubd%d: '%s' is not a regular file\n", dev->unit, dev->path);
		return -EINVAL;
	}
	if (st.size == 0 || st.size % BLK_SECTOR_SIZE) {
		printk(KERN_ERR "ubd%d: '%s' is %llu bytes: a disk image must be a non-zero "
				"multiple of 512 bytes (truncated image?)\n",
		       dev->unit, dev->path, (unsigned long long)st.size);
		return -EINVAL;
	}
	dev->fd = fd;
	dev->blk.size = st.size;
	return 0;
}

/* Open the files of one configured device and fill in its size. 0 or -errno (logged). */
static int ubd_open_dev(struct ubd *dev)
{
	int fd, r;

	dev->path = kstrndup(dev->file.s, dev->file.len);
	if (!dev->path)
		return -ENOMEM;
	fd = open_image(dev);
	if (fd == -ENOENT && dev->backing.len)
		return ubd_cow_open(dev, fd);
	if (fd < 0) {
		if (fd != -EBUSY)
			printk(KERN_ERR "ubd%d: can't open '%s': %s\n", dev->unit, dev->path,
			       os_strerror(fd));
		return fd;
	}
	r = dev->no_cow ? 0 : (dev->backing.len ? 1 : ubd_cow_probe(fd));
	if (r > 0)
		return ubd_cow_open(dev, fd);
	if (r == 0)
		r = setup_plain(dev, fd);
	if (r < 0)
		ubd_host_close(fd);
	return r;
}

/* ---- block device operations */

static int ubd_read(struct block_device *b, u64 off, void *buf, size_t len)
{
	struct ubd *dev = container_of(b, struct ubd, blk);
	long n;

	if (dev->is_cow)
		return ubd_cow_read(dev, off, buf, len);
	n = ubd_host_pread(dev->fd, buf, len, off);
	if (n < 0)
		return -EIO;
	if ((size_t)n < len && off + (u64)n < b->size) /* the host file shrank under us */
		return -EIO;
	if ((size_t)n < len)
		memset((char *)buf + n, 0, len - (size_t)n);
	return 0;
}

static int ubd_write(struct block_device *b, u64 off, const void *buf, size_t len)
{
	struct ubd *dev = container_of(b, struct ubd, blk);
	long n;

	if (dev->is_cow)
		return ubd_cow_write(dev, off, buf, len);
	n = ubd_host_pwrite(dev->fd, buf, len, off);
	return n < 0 ? (n == -ENOSPC ? -ENOSPC : -EIO) : 0;
}

static phys_t ubd_map_shared(struct block_device *b, u64 off)
{
	struct ubd *dev = container_of(b, struct ubd, blk);

	if (!dev->window)
		return 0;
	if (window_is_cut(dev->window)) {
		pr_err("%s: backing file %s is shorter than when the instance started: "
		       "no longer shared, and reads of its missing part fail\n", b->name,
		       dev->is_cow ? dev->cow.backing : dev->path);
		dev->window = 0;
		return 0;
	}
	if (dev->is_cow && !ubd_cow_page_in_backing(dev, off))
		return 0;
	return dev->window + off;
}

/*
 * Make the file no one writes (a COW device's backing file, or the image of a read-only
 * plain device) a window, so that its pages can be mapped from the host (ubd_share).
 */
static void ubd_share_file(struct ubd *dev)
{
	struct ubd_host_stat st;
	int fd = dev->is_cow ? dev->cow.backing_fd : dev->fd;

	if (!IS_ENABLED(CONFIG_UBD_SHARE) || !ubd_share || (!dev->is_cow && !dev->ro) || fd < 0 ||
	    ubd_host_fstat(fd, &st) < 0)
		return;
	if (dev->is_cow && st.size < dev->cow.info.size)
		return;
	dev->window = window_register(fd, st.size);
}

static int ubd_flush(struct block_device *b)
{
	struct ubd *dev = container_of(b, struct ubd, blk);
	int fd = dev->is_cow ? dev->cow.fd : dev->fd;

	if (dev->ro)
		return 0;
	return ubd_host_fsync(fd) < 0 ? -EIO : 0;
}

static const struct block_device_ops ubd_ops = {
	.read = ubd_read,
	.write = ubd_write,
	.flush = ubd_flush,
	.map_shared = ubd_map_shared,
};

static int ubd_register(struct ubd *dev)
{
	struct block_device *b = &dev->blk;

	ksnprintf(b->name, sizeof(b->name), "ubd%c", 'a' + dev->unit);
	b->dev = MKDEV(UBD_MAJOR, (u32)dev->unit << UBD_SHIFT);
	b->readonly = dev->ro;
	b->shareable = dev->window != 0;
	b->ops = &ubd_ops;
	b->private = dev;
	return blkdev_register(b);
}

static void ubd_describe(struct ubd *dev)
{
	unsigned long long mib = dev->blk.size >> 20;

	if (dev->is_cow)
		pr_info("%s: %llu MiB, COW file '%s' over '%s'%s\n", dev->blk.name, mib, dev->path,
			dev->cow.backing, dev->ro ? ", read-only" : "");
	else
		pr_info("%s: %llu MiB, '%s'%s\n", dev->blk.name, mib, dev->path,
			dev->ro ? ", read-only" : "");
}

/* Open dev's files and register it (its node appears in every devtmpfs). 0 or -errno. */
static int ubd_start(struct ubd *dev)
{
	int r;

	dev->fd = -1;
	dev->cow.fd = dev->cow.backing_fd = -1;
	r = ubd_open_dev(dev);
	if (r == 0)
		ubd_share_file(dev);
	if (r == 0)
		r = ubd_register(dev);
	if (r == 0)
		ubd_describe(dev);
	return r;
}

/* Close what ubd_start opened and forget the device (it is not registered). */
static void ubd_release(struct ubd *dev)
{
	if (dev->is_cow)
		ubd_cow_close(dev);
	else if (dev->fd >= 0)
		ubd_host_close(dev->fd);
	kfree(dev->path);
	kfree(dev->spec);
	memset(dev, 0, sizeof(*dev));
}

/* ---- hot-plug through the mconsole: config ubdN=..., config ubdN, remove ubdN */

/* config ubd<spec>: add a device while the instance runs. */
static int ubd_mc_config(const char *spec, const char **error)
{
	static char why[160];
	unsigned long logged = printk_log_pos();
	struct ubd cfg, *dev;
	char *copy;
	int n, r;

	if (*spec == '=') {
		*error = "Expected a device number: config ubdN=FILE[,BACKING]";
		return -EINVAL;
	}
	copy = kstrdup(spec);
	if (!copy)
		return -ENOMEM;
	r = ubd_parse(copy, &cfg, &n, error);
	if (r < 0) {
		kfree(copy);
		return r;
	}
	dev = &ubd_devs[n];
	*dev = cfg;
	dev->unit = n;
	dev->configured = true;
	dev->spec = copy;
	r = ubd_start(dev);
	if (r < 0) {
		/* The reason was logged (file names and all): it is the reply. */
		*error = printk_last_message(logged, why, sizeof(why)) ? why :
									 "Failed to open the device's files";
		ubd_release(dev);
	}
	return r;
}

/* config ubd<N>: "FILE" or "COW-FILE,BACKING-FILE" ("" when N is not configured). */
static int ubd_mc_get_config(const char *str, char *buf, size_t size, const char **error)
{
	int n = parse_unit(&str);
	const struct ubd *dev;

	if (n < 0 || n >= UBD_MAX_DEV || *str) {
		*error = "ubd_get_config : device number out of range";
		return -EINVAL;
	}
	dev = &ubd_devs[n];
	if (!dev->configured)
		buf[0] = 0;
	else if (dev->is_cow)
		ksnprintf(buf, size, "%s,%s", dev->path, dev->cow.backing);
	else
		ksnprintf(buf, size, "%s", dev->path);
	return 0;
}

static int ubd_mc_id(const char **str, int *start, int *end)
{
	*start = 0;
	*end = UBD_MAX_DEV - 1;
	return parse_unit(str);
}

/* remove ubd<N>: refused while mounted or open (-EBUSY); its files are closed. */
static int ubd_mc_remove(int n, const char **error)
{
	struct ubd *dev = &ubd_devs[n];

	if (!dev->configured)
		return -ENODEV;
	if (dev->blk.openers > 0)
		return -EBUSY;
	blkdev_flush(&dev->blk);
	blkdev_unregister(&dev->blk);
	pr_info("%s: removed\n", dev->blk.name);
	ubd_release(dev);
	return 0;
}

static struct mc_device ubd_mc_device = {
	.list = LIST_HEAD_INIT(ubd_mc_device.list),
	.name = "ubd",
	.config = ubd_mc_config,
	.get_config = ubd_mc_get_config,
	.id = ubd_mc_id,
	.remove = ubd_mc_remove,
};

int ubd_init(void)
{
	mconsole_register_dev(&ubd_mc_device);
	for (int i = 0; i < UBD_MAX_DEV; i++) {
		int r;

		if (!ubd_devs[i].configured)
			continue;
		r = ubd_start(&ubd_devs[i]);
		if (r < 0) {
			printk(KERN_ERR "ubd%d: not starting: the device could not be set up (%s)\n",
			       i, errname(r));
			return r;
		}
	}
	return 0;
}
