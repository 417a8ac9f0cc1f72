/*
 * The dentry cache: the tree of names (VFS layer, above inodes, below path walking).
 *
 * Every dentry but a superblock's root sits in its parent's children list while it is
 * "hashed" (reachable by name) and holds a reference on the parent. Unlink/rmdir/rename
 * over it unhash it (d_delete): it stays alive, with its parent, as long as open files
 * or working directories reference it, and is freed with its last reference.
 *
 * Lifetime of an unreferenced dentry:
 *  - DCACHE_PINNED and hashed: it stays in the tree (tmpfs: the tree is the filesystem);
 *  - anything else: it is freed at once (there is no LRU to trim, so positive entries of
 *    ->lookup filesystems are simply looked up again next time; DCACHE_NOCACHE is thus
 *    what every non-pinned dentry gets).
 * Freeing a dentry drops its inode and parent references, which may free the parent in
 * turn (done iteratively, so deep trees do not recurse on the kernel stack).
 *
 * d_lookup finds a child through a hash table of (parent, name) over every hashed
 * dentry, so a directory of many thousands of names costs no more to search than a
 * small one; the children lists are for walking a directory's names.
 */
#include "kernel.h"
#include "fs.h"
#include "internal.h"
#include "slab.h"

#define D_HASH_BITS 14

static struct dentry *d_hash_table[1 << D_HASH_BITS];

static struct dentry **d_bucket(const struct dentry *parent, const char *name, int len)
{
	u64 h = (u64)(uintptr_t)parent * 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < len; i++)
		h = (h ^ (u8)name[i]) * 0x100000001b3ULL;
	return &d_hash_table[(h ^ (h >> 32)) & ((1 << D_HASH_BITS) - 1)];
}

static void d_hash_add(struct dentry *d)
{
	struct dentry **head = d_bucket(d->parent, d->name, d->namelen);

	d->hash_next = *head;
	if (*head)
		(*head)->hash_pprev = &d->hash_next;
	*head = d;
	d->hash_pprev = head;
}

static void d_hash_del(struct dentry *d)
{
	if (!d->hash_pprev)
		return;
	*d->hash_pprev = d->hash_next;
	if (d->hash_next)
		d->hash_next->hash_pprev = d->hash_pprev;
	d->hash_next = NULL;
	d->hash_pprev = NULL;
}

static int dentry_set_name(struct dentry *d, const char *name, int len)
{
	char *n = d->iname;

	if (len >= DNAME_INLINE) {
		n = kmalloc(len + 1);
		if (!n)
			return -ENOMEM;
	}
	memcpy(n, name, len);
	n[len] = '\0';
	if (d->name && d->name != d->iname)
		kfree(d->name);
	d->name = n;
	d->namelen = len;
	return 0;
}

/*
 * A new negative dentry called name under parent (NULL for a superblock root), with one
 * reference; it holds a reference on parent and is linked in parent's children.
 */
struct dentry *dentry_alloc(struct dentry *parent, const char *name, int len)
{
	struct dentry *d = kzalloc(sizeof(*d));

	if (!d)
		return NULL;
	if (dentry_set_name(d, name, len) < 0) {
		kfree(d);
		return NULL;
	}
	INIT_LIST_HEAD(&d->children);
	INIT_LIST_HEAD(&d->sibling);
	d->refcount = 1;
	if (parent) {
		dentry_get(parent);
		d->parent = parent;
		d->sb = parent->sb;
		list_add_tail(&d->sibling, &parent->children);
		d_hash_add(d);
	}
	return d;
}

void dentry_get(struct dentry *d)
{
	BUG_ON(d->refcount < 0 || (d->flags & DCACHE_FREED));
	d->refcount++;
}

/* Free an unreferenced dentry; returns its parent, whose reference the caller drops. */
static struct dentry *dentry_kill(struct dentry *d)
{
	struct dentry *parent = d->parent;

	BUG_ON(!list_empty(&d->children));
	list_del_init(&d->sibling);
	d_hash_del(d);
	if (d->inode)
		inode_put(d->inode);
	if (d->name != d->iname)
		kfree(d->name);
	d->flags = DCACHE_FREED;
	kfree(d);
	return parent;
}

/* Drop a reference (NULL is ignored); see the header comment for what happens at zero. */
void dentry_put(struct dentry *d)
{
	while (d) {
		BUG_ON(d->refcount <= 0);
		if (--d->refcount > 0)
			return;
		if ((d->flags & DCACHE_PINNED) && d->inode && d->parent && !d_unhashed(d))
			return;
		d = dentry_kill(d);
	}
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
	BUG_ON(d->inode);
	d->inode = inode;
}

struct dentry *d_lookup(struct dentry *parent, const char *name, int len)
{
	struct dentry *d;

	for (d = *d_bucket(parent, name, len); d; d = d->hash_next) {
		if (d->parent == parent && d->namelen == len && !memcmp(d->name, name, len)) {
			dentry_get(d);
			return d;
		}
	}
	return NULL;
}

/*
 * Unhash d after its name was removed. The dentry keeps its inode and parent for the
 * references still held (open files see a deleted file); an unreferenced one is freed.
 */
void d_delete(struct dentry *d)
{
	if (!d->parent || d_unhashed(d))
		return;
	list_del_init(&d->sibling);
	d_hash_del(d);
	d->flags &= ~DCACHE_PINNED;
	if (d->refcount == 0)
		dentry_put(dentry_kill(d));
}

/* Move d under newparent as name (the caller dropped any dentry hashed there). */
int d_move(struct dentry *d, struct dentry *newparent, const char *name, int len)
{
	struct dentry *old = d->parent;
	int err = dentry_set_name(d, name, len);

	if (err)
		return err;
	d_hash_del(d);
	list_del_init(&d->sibling);
	list_add_tail(&d->sibling, &newparent->children);
	if (old != newparent) {
		dentry_get(newparent);
		d->parent = newparent;
		dentry_put(old);
	}
	d_hash_add(d);
	return 0;
}

int d_exchange(struct dentry *a, struct dentry *b)
{
	struct dentry *pa = a->parent, *pb = b->parent;
	char *aname = kstrndup(a->name, a->namelen);
	int alen = a->namelen, err;

	if (!aname)
		return -ENOMEM;
	dentry_get(pa);
	dentry_get(pb);
	err = d_move(a, pb, b->name, b->namelen);
	if (!err)
		err = d_move(b, pa, aname, alen);
	dentry_put(pa);
	dentry_put(pb);
	kfree(aname);
	return err;
}

void path_get(const struct path *p)
{
	if (p->mnt)
		mount_get(p->mnt);
	if (p->dentry)
		dentry_get(p->dentry);
}

void path_put(const struct path *p)
{
	if (p->dentry)
		dentry_put(p->dentry);
	if (p->mnt)
		mount_put(p->mnt);
}

void follow_mounts(struct path *p)
{
	struct mount *m;

	while (p->dentry->mounted && (m = mount_lookup(p->mnt, p->dentry))) {
		struct path next = { m, m->root };

		path_get(&next);
		path_put(p);
		*p = next;
	}
}

static int prepend(char **pos, char *start, const char *s, int len)
{
	if (*pos - start < len)
		return -ENAMETOOLONG;
	*pos -= len;
	memcpy(*pos, s, len);
	return 0;
}

long path_to_string_ex(const struct path *p, const struct path *root, char *buf, size_t len,
		       bool *deleted, bool *unreachable)
{
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	char *end, *pos;
	int err = 0;

	*deleted = *unreachable = false;
	if (!d || !mnt)
		return -ENOENT;
	if (len == 0)
		return -ENAMETOOLONG;
	*deleted = d_unhashed(d);
	end = pos = buf + len - 1;
	*end = '\0';
	while (!err && !(mnt == root->mnt && d == root->dentry)) {
		if (d == mnt->root || !d->parent) {
			if (!mnt->parent) {
				*unreachable = true;
				break;
			}
			d = mnt->mountpoint;
			mnt = mnt->parent;
			continue;
		}
		err = prepend(&pos, buf, d->name, d->namelen);
		if (!err)
			err = prepend(&pos, buf, "/", 1);
		d = d->parent;
	}
	if (!err && pos == end)
		err = prepend(&pos, buf, "/", 1);
	if (err)
		return err;
	memmove(buf, pos, end - pos + 1);
	return end - pos;
}

/*
 * The path as Linux's d_path shows it: from root when reachable, from the top of the mount
 * tree otherwise; " (deleted)" is appended for an unlinked file. Anonymous files (no
 * dentry) give -ENOENT.
 */
long path_to_string(const struct path *p, const struct path *root, char *buf, size_t len)
{
	bool deleted, unreachable;
	long n = path_to_string_ex(p, root, buf, len, &deleted, &unreachable);

	if (n < 0 || !deleted)
		return n;
	if ((size_t)n + 10 >= len)
		return -ENAMETOOLONG;
	memcpy(buf + n, " (deleted)", 11);
	return n + 10;
}
