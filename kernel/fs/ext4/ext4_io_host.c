/*
 * The io_manager of the ext2/3/4 host half: libext2fs reads and writes blocks through
 * it, and it moves them with kern_blk_read/kern_blk_write/kern_blk_flush through the
 * kernel's block layer (so ubd, COW files and every ubd option apply to the filesystem).
 *
 * A channel is named "umlite-blk:ADDR", ADDR being the struct ext4h_iodev the caller of
 * ext2fs_open2 keeps for the life of the filesystem.
 *
 * Single blocks read by libext2fs (inode tables, directories, extent tree nodes, bitmaps)
 * are kept in a small write-through cache (CACHE_ENTRIES blocks, least recently used
 * evicted), so the same metadata is not read from the host again and again. Multi-block
 * reads and file data (ext4h_io_read_direct) bypass it. Writes go to the device at once
 * and update any cached copy, so the device is always current and a direct read is
 * always coherent.
 *
 * Host side: the kernel is one thread, so nothing here locks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kern_util.h"
#include "ext4_priv_host.h"

#define CACHE_ENTRIES 512
#define HASH_BUCKETS 1024
#define CHAN_PREFIX "umlite-blk:"

struct cblock {
	unsigned long long blk;
	struct cblock *hnext;        /* hash chain */
	struct cblock *prev, *next;  /* LRU list: head.next is the most recent */
	int valid;
	char *data;
};

struct chan {
	struct ext4h_iodev *dev;
	char *mem;                   /* CACHE_ENTRIES blocks of the channel's size */
	int mem_bsize;               /* block size mem was carved for (0: none yet) */
	struct cblock ent[CACHE_ENTRIES];
	struct cblock *hash[HASH_BUCKETS];
	struct cblock lru;           /* sentinel */
	struct struct_io_stats stats;
	uint64_t hits, misses;
};

static struct chan *chan_of(io_channel ch)
{
	return ch->private_data;
}

static unsigned hash_of(unsigned long long blk)
{
	return (unsigned)((blk * 0x9e3779b97f4a7c15ULL) >> 54) & (HASH_BUCKETS - 1);
}

static void lru_unlink(struct cblock *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void lru_push(struct chan *c, struct cblock *e)
{
	e->next = c->lru.next;
	e->prev = &c->lru;
	c->lru.next->prev = e;
	c->lru.next = e;
}

static struct cblock *cache_find(struct chan *c, unsigned long long blk)
{
	struct cblock *e;

	for (e = c->hash[hash_of(blk)]; e; e = e->hnext) {
		if (e->valid && e->blk == blk)
			return e;
	}
	return NULL;
}

static void hash_remove(struct chan *c, struct cblock *e)
{
	struct cblock **pp = &c->hash[hash_of(e->blk)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	e->valid = 0;
}

/* Forget every cached block (block size change). */
static void cache_drop_all(struct chan *c)
{
	memset(c->hash, 0, sizeof(c->hash));
	c->lru.next = c->lru.prev = &c->lru;
	for (int i = 0; i < CACHE_ENTRIES; i++) {
		c->ent[i].valid = 0;
		lru_push(c, &c->ent[i]);
	}
}

/* Make the cache hold blocks of bsize bytes; 0 or an errno. */
static errcode_t cache_setup(struct chan *c, int bsize)
{
	char *mem;

	if (c->mem_bsize == bsize)
		return 0;
	mem = malloc((size_t)CACHE_ENTRIES * bsize);
	if (!mem)
		return EXT2_ET_NO_MEMORY;
	free(c->mem);
	c->mem = mem;
	c->mem_bsize = bsize;
	for (int i = 0; i < CACHE_ENTRIES; i++)
		c->ent[i].data = mem + (size_t)i * bsize;
	cache_drop_all(c);
	return 0;
}

static errcode_t blk_error(int r)
{
	if (r == -EINVAL)
		return EXT2_ET_SHORT_READ; /* outside the device */
	return r < 0 ? (errcode_t)-r : EIO;
}

static errcode_t dev_read(io_channel ch, unsigned long long off, void *buf, size_t len)
{
	struct chan *c = chan_of(ch);
	int r = kern_blk_read(c->dev->bdev, off, buf, len);

	if (r < 0)
		return blk_error(r);
	c->stats.bytes_read += len;
	return 0;
}

static errcode_t bytes_of(io_channel ch, int count, size_t *len)
{
	if (count < 0)
		*len = (size_t)-(long)count;
	else
		*len = (size_t)count * ch->block_size;
	return 0;
}

static errcode_t chan_read64(io_channel ch, unsigned long long blk, int count, void *buf)
{
	struct chan *c = chan_of(ch);
	struct cblock *e;
	size_t len;
	errcode_t err;

	bytes_of(ch, count, &len);
	if (count != 1 || c->mem_bsize != ch->block_size)
		return dev_read(ch, blk * ch->block_size, buf, len);
	e = cache_find(c, blk);
	if (e) {
		c->hits++;
		lru_unlink(e);
		lru_push(c, e);
		memcpy(buf, e->data, len);
		return 0;
	}
	c->misses++;
	e = c->lru.prev; /* least recently used */
	if (e->valid)
		hash_remove(c, e);
	err = dev_read(ch, blk * ch->block_size, e->data, len);
	if (err)
		return err;
	e->blk = blk;
	e->valid = 1;
	e->hnext = c->hash[hash_of(blk)];
	c->hash[hash_of(blk)] = e;
	lru_unlink(e);
	lru_push(c, e);
	memcpy(buf, e->data, len);
	return 0;
}

static errcode_t chan_read(io_channel ch, unsigned long blk, int count, void *buf)
{
	return chan_read64(ch, blk, count, buf);
}

/* After a device write of [off, off+len): refresh or forget the cached blocks it touched. */
static void cache_written(struct chan *c, int bsize, unsigned long long off, const char *buf,
			  size_t len)
{
	unsigned long long first = off / bsize, last = (off + len - 1) / bsize;

	if (!len || c->mem_bsize != bsize)
		return;
	for (unsigned long long b = first; b <= last; b++) {
		struct cblock *e = cache_find(c, b);

		if (!e)
			continue;
		if (b * bsize >= off && (b + 1) * bsize <= off + len)
			memcpy(e->data, buf + (b * bsize - off), bsize);
		else
			hash_remove(c, e);
	}
}

static errcode_t dev_write(io_channel ch, unsigned long long off, const void *buf, size_t len)
{
	struct chan *c = chan_of(ch);
	int r = kern_blk_write(c->dev->bdev, off, buf, len);

	if (r < 0)
		return r == -EINVAL ? EXT2_ET_SHORT_WRITE : (errcode_t)-r;
	c->stats.bytes_written += len;
	cache_written(c, ch->block_size, off, buf, len);
	return 0;
}

static errcode_t chan_write64(io_channel ch, unsigned long long blk, int count, const void *buf)
{
	size_t len;

	bytes_of(ch, count, &len);
	return dev_write(ch, blk * ch->block_size, buf, len);
}

static errcode_t chan_write(io_channel ch, unsigned long blk, int count, const void *buf)
{
	return chan_write64(ch, blk, count, buf);
}

static errcode_t chan_write_byte(io_channel ch, unsigned long off, int count, const void *buf)
{
	if (count < 0)
		return EXT2_ET_INVALID_ARGUMENT;
	return dev_write(ch, off, buf, (size_t)count);
}

static errcode_t chan_flush(io_channel ch)
{
	int r = kern_blk_flush(chan_of(ch)->dev->bdev);

	return r < 0 ? (errcode_t)-r : 0;
}

static errcode_t chan_set_blksize(io_channel ch, int bsize)
{
	errcode_t err;

	if (bsize <= 0 || bsize > 65536 || (bsize & (bsize - 1)))
		return EXT2_ET_INVALID_ARGUMENT;
	err = cache_setup(chan_of(ch), bsize);
	if (err)
		return err;
	ch->block_size = bsize;
	return 0;
}

static errcode_t chan_set_option(io_channel ch, const char *opt, const char *arg)
{
	return EXT2_ET_INVALID_ARGUMENT;
}

static errcode_t chan_get_stats(io_channel ch, io_stats *stats)
{
	if (stats)
		*stats = &chan_of(ch)->stats;
	return 0;
}

static void chan_free(io_channel ch)
{
	struct chan *c = chan_of(ch);

	if (c)
		free(c->mem);
	free(c);
	free(ch->name);
	free(ch);
}

static errcode_t chan_open(const char *name, int flags, io_channel *out)
{
	struct ext4h_iodev *dev = NULL;
	io_channel ch;
	struct chan *c;

	if (!name || strncmp(name, CHAN_PREFIX, strlen(CHAN_PREFIX)) ||
	    sscanf(name + strlen(CHAN_PREFIX), "%p", (void **)&dev) != 1 || !dev)
		return EXT2_ET_BAD_DEVICE_NAME;
	ch = calloc(1, sizeof(*ch));
	c = calloc(1, sizeof(*c));
	if (!ch || !c) {
		free(ch);
		free(c);
		return EXT2_ET_NO_MEMORY;
	}
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = ext4h_io_manager;
	ch->name = strdup(name);
	ch->refcount = 1;
	ch->private_data = c;
	c->dev = dev;
	c->stats.num_fields = 2;
	if (!ch->name || chan_set_blksize(ch, 1024)) {
		chan_free(ch);
		return EXT2_ET_NO_MEMORY;
	}
	*out = ch;
	return 0;
}

static errcode_t chan_close(io_channel ch)
{
	if (--ch->refcount > 0)
		return 0;
	chan_free(ch);
	return 0;
}

static struct struct_io_manager manager = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "um-lite block device",
	.open = chan_open,
	.close = chan_close,
	.set_blksize = chan_set_blksize,
	.read_blk = chan_read,
	.write_blk = chan_write,
	.flush = chan_flush,
	.write_byte = chan_write_byte,
	.set_option = chan_set_option,
	.get_stats = chan_get_stats,
	.read_blk64 = chan_read64,
	.write_blk64 = chan_write64,
};

io_manager ext4h_io_manager = &manager;

void ext4h_io_name(const struct ext4h_iodev *dev, char *buf, size_t len)
{
	snprintf(buf, len, CHAN_PREFIX "%p", (const void *)dev);
}

errcode_t ext4h_io_read_direct(io_channel ch, unsigned long long blk, int count, void *buf)
{
	if (count <= 0)
		return EXT2_ET_INVALID_ARGUMENT;
	return dev_read(ch, blk * ch->block_size, buf, (size_t)count * ch->block_size);
}

void ext4h_io_stats(struct ext4h_fs *h, uint64_t *hits, uint64_t *misses)
{
	struct chan *c = chan_of(h->fs->io);

	*hits = c->hits;
	*misses = c->misses;
}
