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
 */
#include "kernel.h"
#include "blkdev.h"
#include "fs.h"
#include "os.h"
#include "params.h"
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

static int parse_flags(struct ubd *dev, const char **p, const char *word)
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
			printk(KERN_ERR "%s: missing '='\n", word);
			return -EINVAL;
		default:
			printk(KERN_ERR "%s: expected '=' or flag letter (r, s, c, t or d)\n", word);
			return -EINVAL;
		}
		if (++nflags > 6) {
			printk(KERN_ERR "%s: too many flags specified\n", word);
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

static int parse_names(struct ubd *dev, const char *p, const char *word)
{
	dev->file = next_field(&p);
	dev->backing = next_field(&p);
	dev->serial = next_field(&p);
	if (*p) {
		printk(KERN_ERR "%s: too many fields (expected FILE[,BACKING[,SERIAL]])\n", word);
		return -EINVAL;
	}
	if (!dev->file.len) {
		printk(KERN_ERR "%s: no file given\n", word);
		return -EINVAL;
	}
	if (dev->file.len >= PATH_MAX_LEN || dev->backing.len >= PATH_MAX_LEN) {
		printk(KERN_ERR "%s: file name too long\n", word);
		return -EINVAL;
	}
	if (dev->backing.len && dev->no_cow) {
		printk(KERN_ERR "%s: can't specify both 'd' and a cow file\n", word);
		return -EINVAL;
	}
	return 0;
}

/* One ubd... word (the whole word: KP_PREFIX). */
static int ubd_setup(const char *word)
{
	const char *p = word + 3;
	struct ubd *dev, cfg = { 0 };
	int n, r;

	if (!IS_ENABLED(CONFIG_UBD)) {
		printk(KERN_ERR "%s: this umlite was built without ubd (CONFIG_UBD)\n", word);
		return -EINVAL;
	}
	if (*p == '=')
		return ubd_global(word, p + 1);
	n = parse_unit(&p);
	if (n < 0) {
		printk(KERN_ERR "%s: couldn't parse device number\n", word);
		return -EINVAL;
	}
	if (n >= UBD_MAX_DEV) {
		printk(KERN_ERR "%s: device number out of range (0..15 or a..p)\n", word);
		return -EINVAL;
	}
	dev = &ubd_devs[n];
	if (dev->configured) {
		printk(KERN_ERR "%s: ubd%d is already configured\n", word, n);
		return -EINVAL;
	}
	r = parse_flags(&cfg, &p, word);
	if (r == 0)
		r = parse_names(&cfg, p, word);
	if (r < 0)
		return r;
	*dev = cfg;
	dev->unit = n;
	dev->configured = true;
	return 0;
}
KPARAM("ubd", ubd_setup, KP_PREFIX,
       "ubdN[rsdct]=FILE[,BACKING]  disk /dev/ubdX (N 0..15 or a..p) on a host file; with\n"
       "                    BACKING, FILE is its UML COW file (made if absent); r read-only,\n"
       "                    s sync, d never COW, c no host lock, t no trim\n"
       "  ubd=sync          all ubd devices synchronous (O_SYNC)\n"
       "  ubd=ignore-mtime  accept COW files whose backing file's mtime changed");

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
	if ((size_t)n < len) /* the host file shrank under us: zeros, as past EOF */
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
};

static int ubd_register(struct ubd *dev)
{
	struct block_device *b = &dev->blk;

	ksnprintf(b->name, sizeof(b->name), "ubd%c", 'a' + dev->unit);
	b->dev = MKDEV(UBD_MAJOR, (u32)dev->unit << UBD_SHIFT);
	b->readonly = dev->ro;
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

int ubd_init(void)
{
	for (int i = 0; i < UBD_MAX_DEV; i++) {
		struct ubd *dev = &ubd_devs[i];
		int r;

		if (!dev->configured)
			continue;
		dev->fd = -1;
		dev->cow.fd = dev->cow.backing_fd = -1;
		r = ubd_open_dev(dev);
		if (r == 0)
			r = ubd_register(dev);
		if (r < 0) {
			printk(KERN_ERR "ubd%d: not starting: the device could not be set up (%s)\n",
			       i, errname(r));
			return r;
		}
		ubd_describe(dev);
	}
	return 0;
}
