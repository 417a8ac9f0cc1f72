/*
 * File capabilities: the security.capability extended attribute (capabilities(7)).
 *
 * exec reads it (fcaps_read) for capability.c's transformation of the credentials:
 * revision 1 (32 capabilities), 2 and 3 (64) are understood; a revision 3 attribute counts
 * only when its root user id is 0 (there is one user namespace), otherwise the file has no
 * capabilities; a malformed attribute makes exec fail with EINVAL, as in Linux.
 *
 * Writing it (fcaps_set_check, called by fs/xattr.c) needs CAP_SETFCAP instead of the
 * CAP_SYS_ADMIN of other security.* names, and only revision 2 or 3 values of the exact
 * size are accepted (EINVAL). A revision 3 value whose root id is 0 is stored as revision
 * 2, which is what Linux stores for a writer in the initial user namespace; other root ids
 * are kept as written.
 *
 * Linux's "killpriv" (fcaps_kill): a write to the file, a truncation and a change of owner
 * or group remove the attribute, whoever does them. Inodes known to have no attribute
 * carry S_NOSEC so that neither a write nor an exec asks the filesystem again.
 */
#include "kernel.h"
#include "fs.h"
#include "slab.h"
#include "task.h"

#include <linux/capability.h>
#include <linux/limits.h>
#include <linux/xattr.h>

#define FCAP_ROOTID_INVALID 0xffffffffu

static u32 le32_at(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

/* The capability masks of a value of n 32-bit words (1 or 2) into fc. */
static void fcaps_decode(const u8 *v, int n, struct file_caps *fc)
{
	u32 magic = le32_at(v);

	fc->permitted = 0;
	fc->inheritable = 0;
	for (int i = 0; i < n; i++) {
		fc->permitted |= (u64)le32_at(v + 4 + 8 * i) << (32 * i);
		fc->inheritable |= (u64)le32_at(v + 8 + 8 * i) << (32 * i);
	}
	fc->permitted &= CRED_CAP_FULL;
	fc->inheritable &= CRED_CAP_FULL;
	fc->effective = magic & VFS_CAP_FLAGS_EFFECTIVE;
}

/* Parse a stored value: 1 (caps in fc), 0 (none for us), -EINVAL (malformed). */
static int fcaps_parse(const u8 *v, size_t size, struct file_caps *fc)
{
	u32 rev;

	if (size < 4)
		return -EINVAL;
	rev = le32_at(v) & VFS_CAP_REVISION_MASK;
	if (rev == VFS_CAP_REVISION_1 && size == XATTR_CAPS_SZ_1) {
		fcaps_decode(v, VFS_CAP_U32_1, fc);
		return 1;
	}
	if (rev == VFS_CAP_REVISION_2 && size == XATTR_CAPS_SZ_2) {
		fcaps_decode(v, VFS_CAP_U32_2, fc);
		return 1;
	}
	if (rev == VFS_CAP_REVISION_3 && size == XATTR_CAPS_SZ_3) {
		if (le32_at(v + XATTR_CAPS_SZ_2) != 0)
			return 0;
		fcaps_decode(v, VFS_CAP_U32_3, fc);
		return 1;
	}
	return -EINVAL;
}

int fcaps_read(struct inode *inode, struct file_caps *fc)
{
	const struct inode_operations *op = inode->i_op;
	u8 *buf;
	ssize_t n;
	int r;

	if ((inode->iflags & S_NOSEC) || !op || !op->getxattr || !S_ISREG(inode->mode))
		return 0;
	buf = kmalloc(XATTR_SIZE_MAX);
	if (!buf)
		return -ENOMEM;
	n = op->getxattr(inode, XATTR_NAME_CAPS, buf);
	if (n == -ENODATA || n == -EOPNOTSUPP) {
		inode->iflags |= S_NOSEC;
		r = 0;
	} else {
		r = n < 0 ? (int)n : fcaps_parse(buf, (size_t)n, fc);
	}
	kfree(buf);
	return r;
}

int fcaps_set_check(struct inode *inode, void *val, size_t *size)
{
	u8 *v = val;
	u32 magic, rev;

	(void)inode;
	if (*size < 4)
		return -EINVAL;
	magic = le32_at(v);
	rev = magic & VFS_CAP_REVISION_MASK;
	if (!(rev == VFS_CAP_REVISION_2 && *size == XATTR_CAPS_SZ_2) &&
	    !(rev == VFS_CAP_REVISION_3 && *size == XATTR_CAPS_SZ_3))
		return -EINVAL;
	if (!cred_capable(CAP_SETFCAP))
		return -EPERM;
	if (rev == VFS_CAP_REVISION_3) {
		u32 rootid = le32_at(v + XATTR_CAPS_SZ_2);

		if (rootid == FCAP_ROOTID_INVALID)
			return -EINVAL;
		if (rootid == 0) {
			magic = VFS_CAP_REVISION_2 | (magic & VFS_CAP_FLAGS_EFFECTIVE);
			v[0] = (u8)magic;
			v[1] = (u8)(magic >> 8);
			v[2] = (u8)(magic >> 16);
			v[3] = (u8)(magic >> 24);
			*size = XATTR_CAPS_SZ_2;
		}
	}
	return 0;
}

void fcaps_kill(struct inode *inode)
{
	const struct inode_operations *op = inode->i_op;
	int r;

	if ((inode->iflags & S_NOSEC) || !op || !op->removexattr || S_ISDIR(inode->mode))
		return;
	r = op->removexattr(inode, XATTR_NAME_CAPS);
	if (r == 0 || r == -ENODATA || r == -EOPNOTSUPP)
		inode->iflags |= S_NOSEC;
}
