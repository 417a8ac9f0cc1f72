/*
 * Capabilities as capabilities(7) describes them: the five sets of struct cred
 * (inheritable, permitted, effective, bounding, ambient) and the securebits, the
 * capable() check, the fixups when user ids change, the execve transformation, and the
 * capget/capset calls and capability prctls with Linux's rules and errors.
 *
 * Layer: kernel core, next to cred.c (which changes the ids and calls the fixups here).
 *
 * File capabilities are read by fs/fcaps.c. Not done: user namespaces (every check is
 * against the initial namespace).
 */
#include "kernel.h"
#include "syscall.h"
#include "task.h"
#include "uaccess.h"

#include <linux/capability.h>
#include <linux/prctl.h>
#include <linux/securebits.h>

#define BIT_CAP(cap) (1ULL << (cap))
/* What filesystem uid changes drop and raise (Linux's cap_fs_set). */
#define CAP_FS_SET                                                                    \
	(BIT_CAP(CAP_CHOWN) | BIT_CAP(CAP_DAC_OVERRIDE) | BIT_CAP(CAP_DAC_READ_SEARCH) | \
	 BIT_CAP(CAP_FOWNER) | BIT_CAP(CAP_FSETID) | BIT_CAP(CAP_LINUX_IMMUTABLE) |     \
	 BIT_CAP(CAP_MKNOD) |                                                          \
	 BIT_CAP(CAP_MAC_OVERRIDE))

static bool cap_ok(u64 cap)
{
	return cap <= CAP_LAST_CAP;
}

static bool secure(const struct cred *c, int bit)
{
	return c->securebits & issecure_mask(bit);
}

bool cred_capable(int cap)
{
	return cap >= 0 && cap_ok((u64)cap) && (current->cred.cap_eff & BIT_CAP(cap));
}

void cred_caps_init(struct cred *c)
{
	c->cap_prm = c->cap_eff = c->cap_bnd = CRED_CAP_FULL;
	c->cap_inh = c->cap_amb = 0;
	c->securebits = 0;
}

void cred_caps_fix_setuid(struct cred *c, u32 old_r, u32 old_e, u32 old_s)
{
	if (secure(c, SECURE_NO_SETUID_FIXUP))
		return;
	if ((old_r == 0 || old_e == 0 || old_s == 0) && c->uid && c->euid && c->suid) {
		if (!secure(c, SECURE_KEEP_CAPS))
			c->cap_prm = c->cap_eff = 0;
		c->cap_amb = 0;
	}
	if (old_e == 0 && c->euid != 0)
		c->cap_eff = 0;
	if (old_e != 0 && c->euid == 0)
		c->cap_eff = c->cap_prm;
}

void cred_caps_fix_setfsuid(struct cred *c, u32 old_fs)
{
	if (secure(c, SECURE_NO_SETUID_FIXUP))
		return;
	if (old_fs == 0 && c->fsuid != 0)
		c->cap_eff &= ~CAP_FS_SET;
	if (old_fs != 0 && c->fsuid == 0)
		c->cap_eff |= c->cap_prm & CAP_FS_SET;
}

/*
 * capabilities(7)'s exec rules (Linux's cap_bprm_creds_from_file). A file with
 * capabilities gives P' = (P(inh) & F(inh)) | (F(perm) & P(bounding)), E' = P' when its
 * effective bit is set (an effective file whose permitted set the bounding set cuts is
 * refused: EPERM). Root (real or effective in c, unless SECBIT_NOROOT) gets P' = bounding |
 * inheritable instead, and a full effective set when its new effective uid is 0; but a
 * set-user-id-root file with capabilities run by a user gets only its file capabilities.
 * A set-id or capability gain in an unsafe exec is cut back: no more capabilities than
 * before, and the ids stay unless the task held CAP_SETUID (never under no_new_privs).
 * Then the saved and filesystem ids follow the effective ones, a set-id exec or a file
 * with capabilities clears the ambient set, P' |= ambient, E' = ambient unless the
 * effective bit or root's rule gave E' = P'.
 */
int cred_caps_exec(struct cred *c, const struct cred *old, const struct file_caps *fc,
		   unsigned unsafe)
{
	bool eff = false, setid;

	c->cap_prm = 0;
	if (fc) {
		c->cap_prm = (c->cap_bnd & fc->permitted) | (c->cap_inh & fc->inheritable);
		eff = fc->effective;
		if (eff && (fc->permitted & ~c->cap_prm))
			return -EPERM;
	}
	if (!secure(c, SECURE_NOROOT) && !(fc && c->uid != 0 && c->euid == 0)) {
		if (c->uid == 0 || c->euid == 0)
			c->cap_prm = c->cap_bnd | c->cap_inh;
		if (c->euid == 0)
			eff = true;
	}
	setid = c->euid != old->uid || c->egid != old->gid;
	if ((setid || (c->cap_prm & ~old->cap_prm)) && unsafe) {
		if (!(old->cap_eff & BIT_CAP(CAP_SETUID)) || (unsafe & CRED_UNSAFE_NNP)) {
			c->euid = c->uid;
			c->egid = c->gid;
		}
		c->cap_prm &= old->cap_prm;
	}
	c->suid = c->fsuid = c->euid;
	c->sgid = c->fsgid = c->egid;
	if (setid || fc)
		c->cap_amb = 0;
	c->cap_prm |= c->cap_amb;
	c->cap_eff = eff ? c->cap_prm : c->cap_amb;
	c->securebits &= ~SECBIT_KEEP_CAPS;
	return setid || (c->uid != 0 && (eff || (c->cap_prm & ~c->cap_amb)));
}

/* ---- capget(2), capset(2) */

/* Validate the header's version: 0 with *n data structs, or -EINVAL (version rewritten). */
static int cap_version(uaddr_t hdr, int *n)
{
	u32 v;

	if (get_user(v, hdr))
		return -EFAULT;
	if (v == _LINUX_CAPABILITY_VERSION_1) {
		*n = _LINUX_CAPABILITY_U32S_1;
		return 0;
	}
	if (v == _LINUX_CAPABILITY_VERSION_2 || v == _LINUX_CAPABILITY_VERSION_3) {
		*n = _LINUX_CAPABILITY_U32S_3;
		return 0;
	}
	v = _LINUX_CAPABILITY_VERSION_3;
	if (put_user(v, hdr))
		return -EFAULT;
	return -EINVAL;
}

long sys_capget(const struct sc_args *a)
{
	uaddr_t hdr = a->arg[0], data = a->arg[1];
	struct __user_cap_data_struct d[2];
	struct task *t = current;
	int n, pid, r;

	r = cap_version(hdr, &n);
	if (!data || r)
		return (!data && r == -EINVAL) ? 0 : r;
	if (get_user(pid, hdr + offsetof(struct __user_cap_header_struct, pid)))
		return -EFAULT;
	if (pid < 0)
		return -EINVAL;
	if (pid && pid != current->pid)
		t = task_by_pid(pid);
	if (!t)
		return -ESRCH;
	for (int i = 0; i < 2; i++) {
		d[i].effective = (u32)(t->cred.cap_eff >> (32 * i));
		d[i].permitted = (u32)(t->cred.cap_prm >> (32 * i));
		d[i].inheritable = (u32)(t->cred.cap_inh >> (32 * i));
	}
	if (copy_to_user(data, d, (size_t)n * sizeof(d[0])))
		return -EFAULT;
	return 0;
}

static u64 cap_join(const struct __user_cap_data_struct *d, size_t field)
{
	u64 lo = *(const u32 *)((const char *)&d[0] + field);
	u64 hi = *(const u32 *)((const char *)&d[1] + field);

	return (lo | hi << 32) & CRED_CAP_FULL;
}

long sys_capset(const struct sc_args *a)
{
	uaddr_t hdr = a->arg[0], data = a->arg[1];
	struct __user_cap_data_struct d[2];
	struct cred *c = &current->cred;
	u64 eff, prm, inh;
	int n, pid, r;

	r = cap_version(hdr, &n);
	if (r)
		return r;
	if (get_user(pid, hdr + offsetof(struct __user_cap_header_struct, pid)))
		return -EFAULT;
	if (pid && pid != current->pid)
		return -EPERM;
	memset(d, 0, sizeof(d));
	if (copy_from_user(d, data, (size_t)n * sizeof(d[0])))
		return -EFAULT;
	eff = cap_join(d, offsetof(struct __user_cap_data_struct, effective));
	prm = cap_join(d, offsetof(struct __user_cap_data_struct, permitted));
	inh = cap_join(d, offsetof(struct __user_cap_data_struct, inheritable));
	if (!cred_capable(CAP_SETPCAP) && (inh & ~(c->cap_inh | c->cap_prm)))
		return -EPERM;
	if ((inh & ~(c->cap_inh | c->cap_bnd)) || (prm & ~c->cap_prm) || (eff & ~prm))
		return -EPERM;
	c->cap_eff = eff;
	c->cap_prm = prm;
	c->cap_inh = inh;
	c->cap_amb &= prm & inh;
	return 0;
}

/* ---- prctl(2) */

static long prctl_ambient(u64 op, u64 cap, u64 arg4, u64 arg5)
{
	struct cred *c = &current->cred;

	if (op == PR_CAP_AMBIENT_CLEAR_ALL) {
		if (cap || arg4 || arg5)
			return -EINVAL;
		c->cap_amb = 0;
		return 0;
	}
	if (!cap_ok(cap) || arg4 || arg5)
		return -EINVAL;
	switch (op) {
	case PR_CAP_AMBIENT_IS_SET:
		return !!(c->cap_amb & BIT_CAP(cap));
	case PR_CAP_AMBIENT_RAISE:
		if (!(c->cap_prm & c->cap_inh & BIT_CAP(cap)) ||
		    secure(c, SECURE_NO_CAP_AMBIENT_RAISE))
			return -EPERM;
		c->cap_amb |= BIT_CAP(cap);
		return 0;
	case PR_CAP_AMBIENT_LOWER:
		c->cap_amb &= ~BIT_CAP(cap);
		return 0;
	default:
		return -EINVAL;
	}
}

/* PR_SET_SECUREBITS: locked bits stay, locks stay, only known bits, and CAP_SETPCAP. */
static long prctl_securebits(u64 bits)
{
	struct cred *c = &current->cred;
	u32 old = c->securebits;

	if ((((old & SECURE_ALL_LOCKS) >> 1) & (old ^ bits)) || (old & SECURE_ALL_LOCKS & ~bits) ||
	    (bits & ~(u64)(SECURE_ALL_LOCKS | SECURE_ALL_BITS)) || !cred_capable(CAP_SETPCAP))
		return -EPERM;
	c->securebits = (u32)bits;
	return 0;
}

long cred_caps_prctl(int option, u64 arg2, u64 arg3, u64 arg4, u64 arg5)
{
	struct cred *c = &current->cred;

	switch (option) {
	case PR_CAPBSET_READ:
		return cap_ok(arg2) ? !!(c->cap_bnd & BIT_CAP(arg2)) : -EINVAL;
	case PR_CAPBSET_DROP:
		if (!cred_capable(CAP_SETPCAP))
			return -EPERM;
		if (!cap_ok(arg2))
			return -EINVAL;
		c->cap_bnd &= ~BIT_CAP(arg2);
		return 0;
	case PR_CAP_AMBIENT:
		return prctl_ambient(arg2, arg3, arg4, arg5);
	case PR_GET_KEEPCAPS:
		return secure(c, SECURE_KEEP_CAPS);
	case PR_SET_KEEPCAPS:
		if (arg2 > 1)
			return -EINVAL;
		if (secure(c, SECURE_KEEP_CAPS_LOCKED))
			return -EPERM;
		c->securebits = arg2 ? c->securebits | SECBIT_KEEP_CAPS :
				       c->securebits & ~SECBIT_KEEP_CAPS;
		return 0;
	case PR_GET_SECUREBITS:
		return c->securebits;
	case PR_SET_SECUREBITS:
		return prctl_securebits(arg2);
	default:
		return -ENOSYS;
	}
}
