/*
 * The ext2/3/4 directory name index (filesystem layer, below the directory operations):
 * an in-memory hash table name -> (inode number, type) of each directory that has been
 * searched, read from the disk in one pass the first time (ext4h_readdir) and kept up to
 * date by the directory operations, which are the only writers of the directory.
 *
 * It makes lookups, including the misses every create and every PATH search makes, cost
 * a hash probe instead of a scan of the directory (libext2fs's own lookup is linear), and
 * it tells whether a directory is empty. It lives as long as the directory's inode.
 */
#include "kernel.h"
#include "slab.h"
#include "ext4.h"

#define INITIAL_BUCKETS 16
#define READ_BUF 4096

static u32 name_hash(const char *name, int len)
{
	u32 h = 2166136261u;

	for (int i = 0; i < len; i++)
		h = (h ^ (u8)name[i]) * 16777619u;
	return h;
}

static u8 dtype_of_mode(u32 mode)
{
	return (u8)((mode & S_IFMT) >> 12);
}

/* Double the table when it gets crowded; failure just keeps the chains longer. */
static void maybe_grow(struct ext4_dindex *ix)
{
	u32 n = ix->nbuckets * 2;
	struct ext4_dent **b;

	if (ix->count < ix->nbuckets * 2 || n > (1u << 22))
		return;
	b = kzalloc(n * sizeof(*b));
	if (!b)
		return;
	for (u32 i = 0; i < ix->nbuckets; i++) {
		struct ext4_dent *e = ix->buckets[i], *next;

		for (; e; e = next) {
			u32 h = name_hash(e->name, e->len) & (n - 1);

			next = e->next;
			e->next = b[h];
			b[h] = e;
		}
	}
	kfree(ix->buckets);
	ix->buckets = b;
	ix->nbuckets = n;
}

static int insert(struct ext4_dindex *ix, const char *name, int len, u32 ino, u8 type)
{
	struct ext4_dent *e = kmalloc(sizeof(*e) + len);
	u32 h;

	if (!e)
		return -ENOMEM;
	e->ino = ino;
	e->type = type;
	e->len = (u8)len;
	memcpy(e->name, name, len);
	h = name_hash(name, len) & (ix->nbuckets - 1);
	e->next = ix->buckets[h];
	ix->buckets[h] = e;
	ix->count++;
	maybe_grow(ix);
	return 0;
}

struct ext4_dent *ext4_index_find(struct ext4_dindex *ix, const char *name, int len)
{
	struct ext4_dent *e = ix->buckets[name_hash(name, len) & (ix->nbuckets - 1)];

	for (; e; e = e->next) {
		if (e->len == len && !memcmp(e->name, name, len))
			return e;
	}
	return NULL;
}

static void index_destroy(struct ext4_dindex *ix)
{
	for (u32 i = 0; i < ix->nbuckets; i++) {
		struct ext4_dent *e = ix->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			kfree(e);
		}
	}
	kfree(ix->buckets);
	kfree(ix);
}

/* Read every entry of dir into ix. */
static int index_load(struct inode *dir, struct ext4_dindex *ix)
{
	struct ext4_sb *sbi = EXT4_SB(dir->sb);
	char *buf = kmalloc(READ_BUF);
	u64 pos = 0;
	long n;
	int r = 0;

	if (!buf)
		return -ENOMEM;
	while (!r && (n = ext4h_readdir(sbi->h, (u32)dir->ino, &pos, buf, READ_BUF)) > 0) {
		for (long off = 0; off < n && !r;) {
			struct ext4h_dirent *de = (struct ext4h_dirent *)(buf + off);

			r = insert(ix, de->name, de->namelen, de->ino, de->type);
			off += de->reclen;
		}
	}
	kfree(buf);
	if (!r && n < 0)
		r = ext4_report(dir->sb, "read directory", dir->ino, (int)n);
	return r;
}

struct ext4_dindex *ext4_index_get(struct inode *dir)
{
	struct ext4_inode *ei = EXT4_I(dir);
	struct ext4_dindex *ix;
	int r;

	if (ei->index)
		return ei->index;
	if (!EXT4_SB(dir->sb)->h)
		return ERR_PTR(-EIO);
	ix = kzalloc(sizeof(*ix));
	if (ix) {
		ix->nbuckets = INITIAL_BUCKETS;
		ix->buckets = kzalloc(INITIAL_BUCKETS * sizeof(*ix->buckets));
	}
	if (!ix || !ix->buckets) {
		kfree(ix);
		return ERR_PTR(-ENOMEM);
	}
	r = index_load(dir, ix);
	if (r) {
		index_destroy(ix);
		return ERR_PTR(r);
	}
	ei->index = ix;
	return ix;
}

int ext4_index_add(struct inode *dir, const char *name, int len, u32 ino, u32 mode)
{
	struct ext4_dindex *ix = EXT4_I(dir)->index;
	int r;

	if (!ix)
		return 0;
	r = insert(ix, name, len, ino, dtype_of_mode(mode));
	if (r)
		ext4_index_free(dir); /* rebuilt from the disk on the next lookup */
	return 0;
}

void ext4_index_remove(struct inode *dir, const char *name, int len)
{
	struct ext4_dindex *ix = EXT4_I(dir)->index;
	struct ext4_dent **pp, *e;

	if (!ix)
		return;
	pp = &ix->buckets[name_hash(name, len) & (ix->nbuckets - 1)];
	for (; (e = *pp); pp = &e->next) {
		if (e->len == len && !memcmp(e->name, name, len)) {
			*pp = e->next;
			kfree(e);
			ix->count--;
			return;
		}
	}
}

void ext4_index_set(struct inode *dir, const char *name, int len, u32 ino, u32 mode)
{
	struct ext4_dent *e;

	if (!EXT4_I(dir)->index)
		return;
	e = ext4_index_find(EXT4_I(dir)->index, name, len);
	if (e) {
		e->ino = ino;
		e->type = dtype_of_mode(mode);
	} else {
		ext4_index_add(dir, name, len, ino, mode);
	}
}

void ext4_index_free(struct inode *dir)
{
	struct ext4_inode *ei = EXT4_I(dir);

	if (ei->index)
		index_destroy(ei->index);
	ei->index = NULL;
}
