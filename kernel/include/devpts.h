/*
 * devpts (kernel/fs/devpts/): the filesystem of pty slave nodes, /dev/pts/N, and the
 * index space of the ptys of each instance. The pty driver (drivers/console/pty.c) asks
 * it for an index at /dev/ptmx open, for the node while the master is open, and for the
 * pty behind a slave node at open.
 *
 * Instances: mounts without "newinstance" share the initial instance, which /dev/ptmx
 * (5:2 outside devpts) allocates in; a "newinstance" mount has its own index space,
 * reached through its own pts/ptmx node.
 */
#ifndef DEVPTS_H
#define DEVPTS_H

#include "kernel.h"

struct devpts;
struct file;
struct inode;

#define PTY_SLAVE_MAJOR 136 /* UNIX98_PTY_SLAVE_MAJOR: majors 136..143 */
#define DEVPTS_MAX_PTYS 1024 /* indexes per instance (4 slave majors of 256 minors) */

/* Register the devpts filesystem type (from devfs_init). 0 or -errno. */
int devpts_init(void);
/* At boot: mount devpts on /dev/pts (mode 0620, gid of "tty" in /etc/group if any). */
void devpts_automount(void);
/*
 * The instance a ptmx or slave inode belongs to: its own when it lives on a devpts
 * mount, else the initial instance (made on first use). NULL when out of memory.
 */
struct devpts *devpts_of_inode(struct inode *inode);
/* Give pty the lowest free index of d: the index, or -ENOSPC beyond max=. */
int devpts_alloc_index(struct devpts *d, void *pty);
/* Free idx of d (the pty is gone); an unmounted instance goes with its last pty. */
void devpts_free_index(struct devpts *d, int idx);
/* The pty at index idx of d, or NULL. */
void *devpts_lookup(struct devpts *d, int idx);
/* Make the node of idx, owned by the caller (uid= and gid= of the mount override). */
int devpts_add_node(struct devpts *d, int idx);
/* Remove the node of idx (the master closed). */
void devpts_remove_node(struct devpts *d, int idx);
/* Open the node of idx as a file with open(2) flags (TIOCGPTPEER); ERR_PTR on failure. */
struct file *devpts_open_node(struct devpts *d, int idx, int flags);

#endif
