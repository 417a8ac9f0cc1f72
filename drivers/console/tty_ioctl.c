/*
 * Terminal control for struct tty (tty_dev.h): job control (which process group may read,
 * write and change the terminal), controlling terminals and sessions, and the terminal
 * ioctls (termios, window size, foreground group, queues). Layer: between the tty driver
 * (console.c, pty.c and tty_io.c call tty_ioctl and tty_job_check) and the process model (task.h,
 * sig.h). Process groups and sessions are found by walking task_list.
 *
 * Rules as in Linux: a controlling terminal belongs to one session (tty->session) and has
 * one foreground process group (tty->pgrp) of that session; a background group that reads
 * gets SIGTTIN, and one that writes with TOSTOP or changes the terminal gets SIGTTOU,
 * unless the group is orphaned (then -EIO) or ignores the signal.
 */
#include "kernel.h"
#include "console.h"
#include "fs.h"
#include "sig.h"
#include "task.h"
#include "uaccess.h"
#include "tty_dev.h"

#include <asm/ioctls.h>

#define TTY_SPEED 38400 /* what TCGETS2 reports: B38400, the c_cflag speed */
#define N_TTY_LDISC 0   /* TIOCGETD: the only line discipline */

static bool sig_ignored_or_blocked(int sig)
{
	return (current->blocked & sigmask(sig)) ||
	       (current->sighand &&
		current->sighand->action[sig - 1].handler == (u64)(unsigned long)SIG_IGN);
}

/* t's process is alive (its leader may have exited before its other threads). */
static bool task_alive(const struct task *t)
{
	return task_group_alive(t);
}

/*
 * A process group is orphaned when no member has a parent in another process group of
 * the same session (POSIX); init does not count as such a parent.
 */
static bool pgrp_orphaned(int pgrp)
{
	struct task *t, *p;

	list_for_each_entry(t, &task_list, all_tasks) {
		if (!thread_group_leader(t) || !task_alive(t) || t->signal->pgid != pgrp)
			continue;
		p = t->parent;
		if (!p || !p->signal || p->tgid == 1)
			continue;
		if (p->signal->pgid != pgrp && p->signal->sid == t->signal->sid)
			return false;
	}
	return true;
}

/* The session of process group pgrp, or -ESRCH when no process is in it. */
static int pgrp_session(int pgrp)
{
	struct task *t;

	if (pgrp <= 0)
		return -ESRCH;
	list_for_each_entry(t, &task_list, all_tasks)
		if (t->signal && t->state != TASK_DEAD && t->signal->pgid == pgrp)
			return t->signal->sid;
	return -ESRCH;
}

int tty_job_check(struct tty *tty, int sig)
{
	struct signal_struct *s = current->signal;

	if (!s || s->tty != tty || !tty->pgrp || s->pgid == tty->pgrp)
		return 0;
	if (sig_ignored_or_blocked(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(s->pgid))
		return -EIO;
	sig_send_pgrp(s->pgid, sig, NULL);
	return -ERESTARTSYS;
}

void tty_set_ctty(struct tty *tty)
{
	struct signal_struct *s = current->signal;

	tty->session = s->sid;
	tty->pgrp = s->pgid;
	s->tty = tty;
}

void tty_clear_ctty(struct tty *tty)
{
	struct task *t;

	list_for_each_entry(t, &task_list, all_tasks)
		if (t->signal && t->signal->tty == tty)
			t->signal->tty = NULL;
	tty->session = 0;
	tty->pgrp = 0;
	wake_up(&tty->read_wait);
	wake_up(&tty->write_wait);
}

/*
 * The leader of session sid exits (or gives up its terminal with TIOCNOTTY): the
 * foreground group gets SIGHUP and SIGCONT, and no process keeps tty as its controlling
 * terminal.
 */
void tty_session_leader_exit(struct tty *tty, int sid)
{
	struct task *t;

	if (!tty || sid <= 0)
		return;
	if (tty->session != sid) {
		/* not (or no longer) this session's terminal: only forget it in the session */
		list_for_each_entry(t, &task_list, all_tasks)
			if (t->signal && t->signal->tty == tty && t->signal->sid == sid)
				t->signal->tty = NULL;
		return;
	}
	tty_signal_fg(tty, SIGHUP);
	tty_signal_fg(tty, SIGCONT);
	tty_clear_ctty(tty);
}

/* ---- termios */

static long tty_get_termios(struct tty *tty, unsigned cmd, u64 arg)
{
	struct termios2 t2;

	if (cmd == TCGETS)
		return copy_to_user(arg, &tty->ld.termios, sizeof(struct termios)) ? -EFAULT : 0;
	memcpy(&t2, &tty->ld.termios, sizeof(struct termios));
	t2.c_ispeed = t2.c_ospeed = TTY_SPEED;
	return copy_to_user(arg, &t2, sizeof(t2)) ? -EFAULT : 0;
}

/* TCSETS[WF] and TCSETS[WF]2 (output is never pending, so the W forms do not wait). */
static long tty_set_termios(struct tty *tty, unsigned cmd, u64 arg)
{
	bool v2 = cmd == TCSETS2 || cmd == TCSETSW2 || cmd == TCSETSF2;
	struct termios2 t2;
	struct termios t;
	int r;

	r = tty_job_check(tty, SIGTTOU);
	if (r)
		return r;
	if (copy_from_user(&t2, arg, v2 ? sizeof(struct termios2) : sizeof(struct termios)))
		return -EFAULT;
	memcpy(&t, &t2, sizeof(t));
	if (cmd == TCSETSF || cmd == TCSETSF2)
		ldisc_flush_input(&tty->ld);
	ldisc_set_termios(&tty->ld, &t);
	wake_up(&tty->read_wait);
	if (!tty->ld.stopped)
		wake_up(&tty->write_wait);
	return 0;
}

void tty_resize(struct tty *tty, const struct winsize *ws)
{
	if (!memcmp(ws, &tty->winsize, sizeof(*ws)))
		return;
	tty->winsize = *ws;
	tty_signal_fg(tty, SIGWINCH);
}

static long tty_set_winsize(struct tty *tty, u64 arg)
{
	struct winsize ws;

	if (copy_from_user(&ws, arg, sizeof(ws)))
		return -EFAULT;
	tty_resize(tty, &ws);
	return 0;
}

/* ---- process groups and sessions */

static long tty_get_pgrp(struct tty *tty, u64 arg)
{
	if (current->signal->tty != tty)
		return -ENOTTY;
	return put_user((int)tty->pgrp, arg) ? -EFAULT : 0;
}

static long tty_set_pgrp(struct tty *tty, u64 arg)
{
	struct signal_struct *s = current->signal;
	int pgrp, sid, r;

	r = tty_job_check(tty, SIGTTOU);
	if (r)
		return r == -EIO ? -ENOTTY : r;
	if (get_user(pgrp, arg))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	if (s->tty != tty || tty->session != s->sid)
		return -ENOTTY;
	sid = pgrp_session(pgrp);
	if (sid < 0)
		return sid;
	if (sid != s->sid)
		return -EPERM;
	tty->pgrp = pgrp;
	return 0;
}

/* TIOCSCTTY: arg 1 lets root take the terminal from another session. */
static long tty_make_ctty(struct tty *tty, struct file *f, u64 arg)
{
	struct signal_struct *s = current->signal;
	bool leader = s->sid == current->tgid;

	if (leader && tty->session == s->sid)
		return 0;
	if (!leader || s->tty)
		return -EPERM;
	if (tty->hungup)
		return -EIO;
	if (tty->session) {
		if (arg != 1 || !cred_capable(CAP_SYS_ADMIN))
			return -EPERM;
		tty_clear_ctty(tty);
	}
	if (!(f->mode & FMODE_READ) && !cred_capable(CAP_SYS_ADMIN))
		return -EPERM;
	tty_set_ctty(tty);
	return 0;
}

static long tty_drop_ctty(struct tty *tty)
{
	struct signal_struct *s = current->signal;

	if (s->tty != tty)
		return -ENOTTY;
	if (s->sid == current->tgid)
		tty_session_leader_exit(tty, s->sid);
	else
		s->tty = NULL;
	return 0;
}

static long tty_get_sid(struct tty *tty, u64 arg)
{
	if (current->signal->tty != tty || !tty->session)
		return -ENOTTY;
	return put_user((int)tty->session, arg) ? -EFAULT : 0;
}

/* ---- queues */

static long tty_flush(struct tty *tty, u64 arg)
{
	int r = tty_job_check(tty, SIGTTOU);

	if (r)
		return r;
	switch (arg) {
	case TCIFLUSH:
	case TCIOFLUSH:
		ldisc_flush_input(&tty->ld);
		if (tty->ops->input_taken)
			tty->ops->input_taken(tty);
		return 0;
	case TCOFLUSH:
		return 0; /* output is never held back on this side */
	}
	return -EINVAL;
}

static long tty_flow(struct tty *tty, u64 arg)
{
	int r = tty_job_check(tty, SIGTTOU);

	if (r)
		return r;
	switch (arg) {
	case TCOOFF:
		tty->ld.stopped = true;
		return 0;
	case TCOON:
		tty->ld.stopped = false;
		wake_up(&tty->write_wait);
		return 0;
	case TCIOFF:
	case TCION:
		return 0; /* the host side has no flow control to drive */
	}
	return -EINVAL;
}

/* TIOCSTI: push one byte of input as if typed (root only). */
static long tty_push_input(struct tty *tty, u64 arg)
{
	unsigned char c;

	if (!cred_capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (get_user(c, arg))
		return -EFAULT;
	tty_receive(tty, &c, 1);
	return 0;
}

long tty_ioctl(struct tty *tty, struct file *f, unsigned cmd, u64 arg)
{
	if (!current->signal)
		return -ENOTTY; /* kernel threads have no process group or session */
	switch (cmd) {
	case TCGETS:
	case TCGETS2:
		return tty_get_termios(tty, cmd, arg);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TCSETS2:
	case TCSETSW2:
	case TCSETSF2:
		return tty_set_termios(tty, cmd, arg);
	case TIOCGWINSZ:
		return copy_to_user(arg, &tty->winsize, sizeof(tty->winsize)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return tty_set_winsize(tty, arg);
	case TIOCGPGRP:
		return tty_get_pgrp(tty, arg);
	case TIOCSPGRP:
		return tty_set_pgrp(tty, arg);
	case TIOCSCTTY:
		return tty_make_ctty(tty, f, arg);
	case TIOCNOTTY:
		return tty_drop_ctty(tty);
	case TIOCGSID:
		return tty_get_sid(tty, arg);
	case FIONREAD:
		return put_user((int)ldisc_chars_readable(&tty->ld), arg) ? -EFAULT : 0;
	case TIOCOUTQ:
		return put_user((int)0, arg) ? -EFAULT : 0;
	case TCFLSH:
		return tty_flush(tty, arg);
	case TCXONC:
		return tty_flow(tty, arg);
	case TCSBRK:
	case TCSBRKP:
		return tty_job_check(tty, SIGTTOU);
	case TIOCEXCL:
	case TIOCNXCL:
		return 0;
	case TIOCSTI:
		return tty_push_input(tty, arg);
	case TIOCGDEV:
		return put_user((unsigned)tty->devnum, arg) ? -EFAULT : 0;
	case TIOCGETD:
		return put_user((int)N_TTY_LDISC, arg) ? -EFAULT : 0;
	}
	return -ENOTTY; /* not a serial line; pty.c handles TIOCGPTN and the pty ioctls */
}
