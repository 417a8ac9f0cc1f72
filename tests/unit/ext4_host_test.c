/*
 * Unit tests of the ext2/3/4 host half (kernel/fs/ext4/ext4_*_host.c) over images made by
 * the real mke2fs, with kern_blk_* served from a host file: mounting and its refusals,
 * inodes created, written, read back through the page-sized segments the kernel uses,
 * listed, renamed and freed; thousands of names in a linear directory; holes, unwritten
 * extents and punched ranges; and e2fsck -fn as the judge of every image afterwards.
 */
// UNIT-OBJS: kernel/fs/ext4/ext4_host.o kernel/fs/ext4/ext4_data_host.o kernel/fs/ext4/ext4_dir_host.o kernel/fs/ext4/ext4_io_host.o
// UNIT-LIBS: -lext2fs -lcom_err
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kern_util.h"
#include "../../kernel/fs/ext4/ext4_host.h"

/* ---- the block device: a host file (the bdev handle is its descriptor + 1) */

static uint64_t dev_size;
static int dev_writes;

int kern_blk_read(void *bdev, uint64_t off, void *buf, size_t len)
{
	int fd = (int)(intptr_t)bdev - 1;

	if (off > dev_size || len > dev_size - off)
		return -EINVAL;
	return pread(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -EIO;
}

int kern_blk_write(void *bdev, uint64_t off, const void *buf, size_t len)
{
	int fd = (int)(intptr_t)bdev - 1;

	if (off > dev_size || len > dev_size - off)
		return -EINVAL;
	dev_writes++;
	return pwrite(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -EIO;
}

int kern_blk_flush(void *bdev)
{
	return fsync((int)(intptr_t)bdev - 1) ? -EIO : 0;
}

FIXTURE(img) {
	char path[64];
	int fd;
	struct ext4h_fs *fs;
	char msg[200];
};

/* Make a fresh 64 MiB image with mke2fs (options as given) and open it as the device. */
static int make_image(FIXTURE_DATA(img) *self, const char *opts)
{
	char cmd[256];
	struct stat st;

	snprintf(cmd, sizeof(cmd), "mke2fs -q -F %s %s 64M >/dev/null 2>&1", opts, self->path);
	if (system(cmd))
		return -1;
	self->fd = open(self->path, O_RDWR);
	if (self->fd < 0 || fstat(self->fd, &st))
		return -1;
	dev_size = (uint64_t)st.st_size;
	return 0;
}

static int do_mount(FIXTURE_DATA(img) *self, int flags)
{
	return ext4h_mount((void *)(intptr_t)(self->fd + 1), dev_size, flags, &self->fs, self->msg,
			   sizeof(self->msg));
}

static int fsck_clean(FIXTURE_DATA(img) *self)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "e2fsck -fn %s >/dev/null 2>&1", self->path);
	return system(cmd);
}

FIXTURE_SETUP(img)
{
	snprintf(self->path, sizeof(self->path), "/tmp/ext4_host_test.%d.img", getpid());
	self->fd = -1;
	self->fs = NULL;
}

FIXTURE_TEARDOWN(img)
{
	if (self->fs)
		ext4h_unmount(self->fs);
	if (self->fd >= 0)
		close(self->fd);
	unlink(self->path);
}

static struct ext4h_attr new_attr(uint32_t mode)
{
	struct ext4h_attr a = { .mode = mode, .uid = 1000, .gid = 100, .atime = 1700000000,
				.mtime = 1700000000, .ctime = 1700000000, .mtime_ns = 123456789 };

	return a;
}

/* Find name in dir through ext4h_readdir; its inode number or 0. */
static uint32_t find_name(struct ext4h_fs *fs, uint32_t dir, const char *name, int *count)
{
	static char buf[4096];
	uint64_t pos = 0;
	uint32_t ino = 0;
	long n;

	*count = 0;
	while ((n = ext4h_readdir(fs, dir, &pos, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct ext4h_dirent *de = (struct ext4h_dirent *)(buf + off);

			if (de->namelen == strlen(name) && !memcmp(de->name, name, de->namelen))
				ino = de->ino;
			(*count)++;
			off += de->reclen;
		}
	}
	return n < 0 ? 0 : ino;
}

TEST_F(img, a_file_is_created_written_read_and_freed)
{
	static char page[3][4096], back[3][4096];
	struct ext4h_attr a = new_attr(0100640), out, got;
	struct ext4h_seg w[3], r[3];
	uint32_t ino;
	int count;

	ASSERT_EQ(0, make_image(self, "-t ext4 -b 4096"));
	ASSERT_EQ(0, do_mount(self, EXT4H_MOUNT_RW));
	ASSERT_EQ(0, ext4h_create(self->fs, EXT4H_ROOT_INO, "file", &a, NULL, NULL, &ino, &out));
	EXPECT_EQ(1000, out.uid);
	EXPECT_EQ(123456789, out.mtime_ns);
	for (int i = 0; i < 3; i++) {
		memset(page[i], 'a' + i, 4096);
		w[i] = (struct ext4h_seg){ (uint64_t)i * 4096 + (i == 2 ? 40960 : 0), page[i], 4096 };
		r[i] = (struct ext4h_seg){ w[i].off, back[i], 4096 };
	}
	w[2].len = 100; /* the end of the file, inside its last page */
	ASSERT_EQ(0, ext4h_write_pages(self->fs, ino, w, 3, &out));
	EXPECT_EQ(40960 + 8192 + 100, (long)out.size);
	EXPECT_EQ(3 * 8, (long)out.blocks);
	ASSERT_EQ(0, ext4h_read_pages(self->fs, ino, out.size, r, 3, NULL));
	EXPECT_EQ(0, memcmp(back[0], page[0], 4096));
	EXPECT_EQ(0, memcmp(back[1], page[1], 4096));
	EXPECT_EQ('c', back[2][99]);
	EXPECT_EQ(0, back[2][100]); /* beyond the end of the file */
	EXPECT_EQ(ino, find_name(self->fs, EXT4H_ROOT_INO, "file", &count));
	EXPECT_EQ(2, count); /* lost+found and file */
	ASSERT_EQ(0, ext4h_unlink(self->fs, EXT4H_ROOT_INO, "file", ino));
	got = out;
	got.nlink = 0;
	ASSERT_EQ(0, ext4h_write_attr(self->fs, ino, &got));
	ASSERT_EQ(0, ext4h_free_inode(self->fs, ino));
	EXPECT_EQ(-ESTALE, ext4h_read_inode(self->fs, ino, &got));
	ASSERT_EQ(0, ext4h_unmount(self->fs));
	self->fs = NULL;
	EXPECT_EQ(0, fsck_clean(self));
}

TEST_F(img, thousands_of_names_fill_a_linear_directory)
{
	struct ext4h_attr a = new_attr(040755), f = new_attr(0100644), out;
	uint64_t hint = 0;
	uint32_t dir, ino, last = 0;
	char name[32];
	int count;

	ASSERT_EQ(0, make_image(self, "-t ext4 -b 1024 -N 4096"));
	ASSERT_EQ(0, do_mount(self, EXT4H_MOUNT_RW));
	ASSERT_EQ(0, ext4h_create(self->fs, EXT4H_ROOT_INO, "d", &a, NULL, NULL, &dir, &out));
	EXPECT_EQ(2, out.nlink);
	for (int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "a-rather-long-name-%05d", i);
		ASSERT_EQ(0, ext4h_create(self->fs, dir, name, &f, NULL, &hint, &ino, &out));
		last = ino;
	}
	EXPECT_EQ(last, find_name(self->fs, dir, "a-rather-long-name-02999", &count));
	EXPECT_EQ(3000, count);
	ASSERT_EQ(0, ext4h_unmount(self->fs));
	self->fs = NULL;
	EXPECT_EQ(0, fsck_clean(self));
}

TEST_F(img, holes_unwritten_extents_and_punched_blocks_read_as_zeros)
{
	static char data[4096], back[4096];
	struct ext4h_attr a = new_attr(0100644), out;
	struct ext4h_seg w = { 1 << 20, data, 4096 }, r = { 0, back, 4096 };
	uint8_t mapped = 9;
	uint32_t ino;

	ASSERT_EQ(0, make_image(self, "-t ext4 -b 4096"));
	ASSERT_EQ(0, do_mount(self, EXT4H_MOUNT_RW));
	ASSERT_EQ(0, ext4h_create(self->fs, EXT4H_ROOT_INO, "sparse", &a, NULL, NULL, &ino, &out));
	memset(data, 'x', sizeof(data));
	ASSERT_EQ(0, ext4h_write_pages(self->fs, ino, &w, 1, &out));
	EXPECT_EQ(8, (long)out.blocks);
	memset(back, 'y', sizeof(back));
	ASSERT_EQ(0, ext4h_read_pages(self->fs, ino, out.size, &r, 1, &mapped));
	EXPECT_EQ(0, back[0]);
	EXPECT_EQ(0, mapped);
	ASSERT_EQ(0, ext4h_fallocate(self->fs, ino, 0, 65536, &out));
	EXPECT_EQ(8 + 16 * 8, (long)out.blocks);
	ASSERT_EQ(0, ext4h_read_pages(self->fs, ino, out.size, &r, 1, &mapped));
	EXPECT_EQ(0, back[4095]);
	EXPECT_EQ(1, mapped); /* unwritten, but allocated */
	ASSERT_EQ(0, ext4h_punch(self->fs, ino, 1 << 20, 4096, &out));
	EXPECT_EQ(16 * 8, (long)out.blocks);
	r.off = 1 << 20;
	ASSERT_EQ(0, ext4h_read_pages(self->fs, ino, out.size, &r, 1, NULL));
	EXPECT_EQ(0, back[0]);
	ASSERT_EQ(0, ext4h_unmount(self->fs));
	self->fs = NULL;
	EXPECT_EQ(0, fsck_clean(self));
}

/* Write one page of c at page index pg of ino. */
static int put_page(struct ext4h_fs *fs, uint32_t ino, uint64_t pg, char c)
{
	static char page[4096];
	struct ext4h_seg w = { pg * 4096, page, 4096 };
	struct ext4h_attr out;

	memset(page, c, sizeof(page));
	return ext4h_write_pages(fs, ino, &w, 1, &out);
}

TEST_F(img, freed_blocks_never_show_through_holes)
{
	static char back[4096];
	struct ext4h_attr a = new_attr(0100644), out;
	struct ext4h_seg r = { 4096, back, 4096 };
	uint32_t junk, ino;

	ASSERT_EQ(0, make_image(self, "-t ext4 -b 4096"));
	ASSERT_EQ(0, do_mount(self, EXT4H_MOUNT_RW));
	/* Leave garbage in free blocks: a file of 0xee, deleted. */
	ASSERT_EQ(0, ext4h_create(self->fs, EXT4H_ROOT_INO, "junk", &a, NULL, NULL, &junk, &out));
	for (uint64_t pg = 0; pg < 300; pg++)
		ASSERT_EQ(0, put_page(self->fs, junk, pg, (char)0xee));
	ASSERT_EQ(0, ext4h_unlink(self->fs, EXT4H_ROOT_INO, "junk", junk));
	ASSERT_EQ(0, ext4h_free_inode(self->fs, junk));
	/* The last page first, then the first: the pages between stay a hole. */
	ASSERT_EQ(0, ext4h_create(self->fs, EXT4H_ROOT_INO, "f", &a, NULL, NULL, &ino, &out));
	ASSERT_EQ(0, put_page(self->fs, ino, 200, 'z'));
	ASSERT_EQ(0, put_page(self->fs, ino, 0, 'a'));
	ASSERT_EQ(0, ext4h_read_inode(self->fs, ino, &out));
	EXPECT_EQ(2 * 8, (long)out.blocks);
	for (uint64_t pg = 1; pg < 200; pg += 37) {
		r.off = pg * 4096;
		ASSERT_EQ(0, ext4h_read_pages(self->fs, ino, out.size, &r, 1, NULL));
		EXPECT_EQ(0, back[0]);
		EXPECT_EQ(0, back[4095]);
	}
	ASSERT_EQ(0, ext4h_unmount(self->fs));
	self->fs = NULL;
	EXPECT_EQ(0, fsck_clean(self));
}

TEST_F(img, bad_and_mismatched_images_are_refused_with_a_reason)
{
	ASSERT_EQ(0, make_image(self, "-t ext4"));
	dev_size = 8 << 20; /* the device is shorter than the filesystem */
	EXPECT_EQ(-EINVAL, do_mount(self, 0));
	EXPECT_NE(NULL, strstr(self->msg, "larger than the device"));
	dev_size = 64 << 20;
	EXPECT_EQ(-EMEDIUMTYPE, do_mount(self, EXT4H_MOUNT_EXT2));
	EXPECT_NE(NULL, strstr(self->msg, "mount it as ext4"));
	ASSERT_EQ(1024, pwrite(self->fd, calloc(1, 1024), 1024, 1024)); /* no superblock */
	EXPECT_EQ(-EINVAL, do_mount(self, EXT4H_MOUNT_RW));
	EXPECT_NE(NULL, strstr(self->msg, "not an ext2/3/4 filesystem"));
}

TEST_HARNESS_MAIN
