/*
 * ubd COW files (placeholder while the COW code is written).
 */
#include "kernel.h"
#include "ubd_dev.h"
#include "ubd_host.h"

int ubd_cow_probe(int fd)
{
	return 0;
}

int ubd_cow_open(struct ubd *dev, int fd)
{
	printk(KERN_ERR "ubd%d: COW files are not supported yet\n", dev->unit);
	if (fd >= 0)
		ubd_host_close(fd);
	return -EINVAL;
}

int ubd_cow_read(struct ubd *dev, u64 off, void *buf, size_t len)
{
	return -EIO;
}

int ubd_cow_write(struct ubd *dev, u64 off, const void *buf, size_t len)
{
	return -EIO;
}

void ubd_cow_close(struct ubd *dev)
{
}
