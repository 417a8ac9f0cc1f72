/*
 * Unit tests of UML's COW format and the COW device decisions (drivers/ubd/cow.c):
 * headers as uml_mkcow writes them (byte for byte), versions 1 and 2 and the broken
 * 64-bit version 3, corrupt headers, the layout arithmetic, the bitmap helpers at byte
 * and chunk edges, and cow_read/cow_write over in-memory files: a random workload checked
 * against a flat model, data written before bitmap, and a failed bitmap write (an instance
 * killed between the two) leaving the old data visible.
 */
// UNIT-OBJS: drivers/ubd/cow.o
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../../drivers/ubd/cow.h"

/* ---- a file in memory, as the reader and the I/O callbacks see it */

struct mem_file {
	uint8_t *data;
	size_t size, cap;
	int fail_after;            /* writes that succeed before -EIO; -1: never fail */
	int nwrites;
	uint64_t log_off[16], log_len[16]; /* the first writes, in order */
};

static long mem_pread(struct mem_file *m, void *buf, size_t len, uint64_t off)
{
	if (off >= m->size)
		return 0;
	if (len > m->size - off)
		len = m->size - off;
	memcpy(buf, m->data + off, len);
	return (long)len;
}

static long header_reader(void *ctx, void *buf, size_t len, uint64_t off)
{
	return mem_pread(ctx, buf, len, off);
}

static long failing_reader(void *ctx, void *buf, size_t len, uint64_t off)
{
	return -EIO;
}

static struct mem_file *mem_new(size_t cap)
{
	struct mem_file *m = calloc(1, sizeof(*m));

	m->data = calloc(1, cap);
	m->cap = cap;
	m->fail_after = -1;
	return m;
}

static void mem_free(struct mem_file *m)
{
	free(m->data);
	free(m);
}

/* A device: COW file + backing file in memory. */
struct dev {
	struct mem_file *cow, *backing;
	struct cow_info ci;
	struct cow_bitmap bm;
	struct cow_io io;
};

static long dev_pread(void *ctx, enum cow_file f, void *buf, size_t len, uint64_t off)
{
	struct dev *d = ctx;

	return mem_pread(f == COW_FILE ? d->cow : d->backing, buf, len, off);
}

static long dev_pwrite(void *ctx, const void *buf, size_t len, uint64_t off)
{
	struct mem_file *m = ((struct dev *)ctx)->cow;

	if (m->fail_after >= 0 && m->nwrites >= m->fail_after)
		return -EIO;
	if (off + len > m->cap)
		return -ENOSPC;
	if (m->nwrites < 16) {
		m->log_off[m->nwrites] = off;
		m->log_len[m->nwrites] = len;
	}
	m->nwrites++;
	memcpy(m->data + off, buf, len);
	if (off + len > m->size)
		m->size = off + len;
	return (long)len;
}

static uint8_t *dev_alloc_chunk(void *ctx)
{
	return calloc(1, COW_CHUNK_BYTES);
}

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 2654435761ULL >> 13);
}

/* A new COW device over a backing file of size bytes filled with pattern(). */
static struct dev *dev_new(uint64_t size)
{
	struct dev *d = calloc(1, sizeof(*d));

	d->backing = mem_new(size);
	d->backing->size = size;
	for (uint64_t i = 0; i < size; i++)
		d->backing->data[i] = pattern(i);
	if (cow_init_v3(&d->ci, "/img/backing", 1234, size, 512, 4096) < 0)
		abort();
	d->cow = mem_new(cow_file_size(&d->ci));
	d->cow->size = cow_file_size(&d->ci);
	cow_encode_v3(&d->ci, d->cow->data);
	d->io = (struct cow_io){ d, dev_pread, dev_pwrite, dev_alloc_chunk };
	d->bm.nchunks = cow_bitmap_nchunks(&d->ci);
	d->bm.chunks = calloc(d->bm.nchunks, sizeof(uint8_t *));
	return d;
}

static void bm_free(struct cow_bitmap *bm)
{
	for (uint64_t i = 0; i < bm->nchunks; i++)
		free(bm->chunks[i]);
	free(bm->chunks);
}

static void dev_free(struct dev *d)
{
	bm_free(&d->bm);
	mem_free(d->cow);
	mem_free(d->backing);
	free(d);
}

/* The first byte where the backing file no longer holds pattern(), or -1. */
static long backing_changed_at(const struct dev *d)
{
	for (uint64_t i = 0; i < d->backing->size; i++)
		if (d->backing->data[i] != pattern(i))
			return (long)i;
	return -1;
}

/* The bitmap as the file has it, loaded afresh (what a new instance or uml_moo sees). */
static struct cow_bitmap reload(struct dev *d)
{
	struct cow_bitmap bm = { calloc(d->bm.nchunks, sizeof(uint8_t *)), d->bm.nchunks };
	uint8_t scratch[COW_CHUNK_BYTES];

	if (cow_bitmap_load(&d->ci, &bm, &d->io, scratch) < 0)
		abort();
	return bm;
}

/* ---- helpers to build headers by hand */

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void be64(uint8_t *p, uint64_t v)
{
	be32(p, v >> 32);
	be32(p + 4, (uint32_t)v);
}

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* What uml_mkcow writes for a 4 MiB backing file with mtime 0x65937D25 (checked locally). */
static struct mem_file *mkcow_file(const char *name)
{
	struct mem_file *m = mem_new(16384);

	be32(m->data, 0x4F4F4F4D);
	be32(m->data + 4, 3);
	be32(m->data + 8, 0x65937D25);
	be64(m->data + 12, 4 << 20);
	be32(m->data + 20, 512);
	be32(m->data + 24, 4096);
	be32(m->data + 28, 0);
	strcpy((char *)m->data + 32, name);
	m->size = 16384;
	return m;
}

/* ---- headers */

TEST(reads_the_header_uml_mkcow_writes)
{
	struct mem_file *m = mkcow_file("/srv/img/backing.img");
	struct cow_info ci;

	ASSERT_EQ(COW_OK, cow_read_header(header_reader, m, &ci));
	EXPECT_EQ(3, ci.version);
	EXPECT_FALSE(ci.broken_v3);
	EXPECT_STREQ("/srv/img/backing.img", ci.backing);
	EXPECT_EQ(0x65937D25, ci.mtime);
	EXPECT_EQ(4 << 20, ci.size);
	EXPECT_EQ(512, ci.sectorsize);
	EXPECT_EQ(4096, ci.alignment);
	EXPECT_EQ(8192, ci.bitmap_offset);
	EXPECT_EQ(1024, ci.bitmap_len);
	EXPECT_EQ(12288, ci.data_offset);
	EXPECT_EQ(4206592, cow_file_size(&ci)); /* the length uml_mkcow gives the file */
	mem_free(m);
}

TEST(encodes_byte_for_byte_what_uml_mkcow_writes)
{
	struct mem_file *m = mkcow_file("/srv/img/backing.img");
	uint8_t buf[COW_V3_HEADER_SIZE];
	struct cow_info ci;

	ASSERT_EQ(0, cow_init_v3(&ci, "/srv/img/backing.img", 0x65937D25, 4 << 20, 512, 4096));
	memset(buf, 0xAA, sizeof(buf));
	cow_encode_v3(&ci, buf);
	EXPECT_EQ(0, memcmp(buf, m->data, COW_V3_HEADER_SIZE));
	EXPECT_EQ(12288, ci.data_offset);
	mem_free(m);
}

TEST(header_round_trip)
{
	struct mem_file *m = mem_new(COW_V3_HEADER_SIZE);
	struct cow_info a, b;

	ASSERT_EQ(0, cow_init_v3(&a, "/a/b c/d", 0xFFFFFFFF, 0x123456789A00ULL, 512, 65536));
	cow_encode_v3(&a, m->data);
	m->size = COW_V3_HEADER_SIZE;
	ASSERT_EQ(COW_OK, cow_read_header(header_reader, m, &b));
	EXPECT_STREQ(a.backing, b.backing);
	EXPECT_EQ(a.mtime, b.mtime);
	EXPECT_EQ(a.size, b.size);
	EXPECT_EQ(a.alignment, b.alignment);
	EXPECT_EQ(a.bitmap_offset, b.bitmap_offset);
	EXPECT_EQ(65536, b.bitmap_offset);
	EXPECT_EQ(a.bitmap_len, b.bitmap_len);
	EXPECT_EQ(a.data_offset, b.data_offset);
	EXPECT_EQ(0, b.data_offset % 65536);
	mem_free(m);
}

TEST(longest_name_fits_and_one_more_does_not)
{
	char name[COW_PATH_MAX + 1];
	struct cow_info ci;

	memset(name, 'x', sizeof(name));
	name[0] = '/';
	name[COW_PATH_MAX] = '\0';
	EXPECT_EQ(-1, cow_init_v3(&ci, name, 1, 512, 512, 4096));
	name[COW_PATH_MAX - 1] = '\0';
	EXPECT_EQ(0, cow_init_v3(&ci, name, 1, 512, 512, 4096));
	EXPECT_EQ(-1, cow_init_v3(&ci, "/b", 1, 0, 512, 4096));
	EXPECT_EQ(-1, cow_init_v3(&ci, "/b", 1, 512, 512, 3000));
}

TEST(version_1_in_host_order_with_its_sizing)
{
	struct mem_file *m = mem_new(4096);
	struct cow_info ci;

	le32(m->data, 0x4F4F4F4D);
	le32(m->data + 4, 1);
	strcpy((char *)m->data + 8, "/old/root_fs");
	le32(m->data + 264, 1000);
	le32(m->data + 268, 9 * 512); /* u64, low half */
	le32(m->data + 276, 512);
	m->size = 4096;
	ASSERT_EQ(COW_OK, cow_read_header(header_reader, m, &ci));
	EXPECT_EQ(1, ci.version);
	EXPECT_STREQ("/old/root_fs", ci.backing);
	EXPECT_EQ(1000, ci.mtime);
	EXPECT_EQ(9 * 512, ci.size);
	EXPECT_EQ(280, ci.bitmap_offset);
	EXPECT_EQ(1, ci.bitmap_len); /* the old rounding: one byte short for 9 sectors */
	EXPECT_EQ(512, ci.data_offset);
	mem_free(m);
}

TEST(version_2_big_endian)
{
	struct mem_file *m = mem_new(8192);
	struct cow_info ci;

	be32(m->data, 0x4F4F4F4D);
	be32(m->data + 4, 2);
	strcpy((char *)m->data + 8, "/v2/img");
	be32(m->data + 4104, 77);
	be64(m->data + 4108, 1 << 20);
	be32(m->data + 4116, 512);
	m->size = 8192;
	ASSERT_EQ(COW_OK, cow_read_header(header_reader, m, &ci));
	EXPECT_EQ(2, ci.version);
	EXPECT_EQ(77, ci.mtime);
	EXPECT_EQ(4120, ci.bitmap_offset);
	EXPECT_EQ(256, ci.bitmap_len);
	EXPECT_EQ(4608, ci.data_offset); /* round_up(4120 + 256, 512) */
	mem_free(m);
}

TEST(broken_64bit_version_3_layout)
{
	struct mem_file *m = mem_new(16384);
	struct cow_info ci;

	be32(m->data, 0x4F4F4F4D);
	be32(m->data + 4, 3);
	be32(m->data + 8, 55);
	be64(m->data + 16, 2 << 20);
	be32(m->data + 24, 512);
	be32(m->data + 28, 4096);
	be32(m->data + 32, 0);
	strcpy((char *)m->data + 36, "/broken/img");
	m->size = 16384;
	ASSERT_EQ(COW_OK, cow_read_header(header_reader, m, &ci));
	EXPECT_TRUE(ci.broken_v3);
	EXPECT_STREQ("/broken/img", ci.backing);
	EXPECT_EQ(55, ci.mtime);
	EXPECT_EQ(2 << 20, ci.size);
	EXPECT_EQ(8192, ci.bitmap_offset);
	EXPECT_EQ(512, ci.bitmap_len);
	EXPECT_EQ(12288, ci.data_offset);
	mem_free(m);
}

TEST(plain_images_and_corrupt_headers)
{
	struct mem_file *m = mkcow_file("/x");
	struct cow_info ci;

	memcpy(m->data, "\x7f" "ELF", 4);
	EXPECT_EQ(COW_NOT_COW, cow_read_header(header_reader, m, &ci));
	mem_free(m);

	m = mkcow_file("/x");
	be32(m->data + 4, 4);
	EXPECT_EQ(COW_BAD_VERSION, cow_read_header(header_reader, m, &ci));
	be32(m->data + 4, 0);
	EXPECT_EQ(COW_BAD_VERSION, cow_read_header(header_reader, m, &ci));
	be32(m->data + 4, 3);
	be32(m->data + 20, 0);
	EXPECT_EQ(COW_BAD_SECTOR, cow_read_header(header_reader, m, &ci));
	be32(m->data + 20, 500);
	EXPECT_EQ(COW_BAD_SECTOR, cow_read_header(header_reader, m, &ci));
	be32(m->data + 20, 512);
	be32(m->data + 24, 0);
	EXPECT_EQ(COW_BAD_ALIGN, cow_read_header(header_reader, m, &ci));
	be32(m->data + 24, 4096);
	be32(m->data + 28, 1);
	EXPECT_EQ(COW_BAD_FORMAT, cow_read_header(header_reader, m, &ci));
	be32(m->data + 28, 0);
	be64(m->data + 12, 0);
	EXPECT_EQ(COW_BAD_SIZE, cow_read_header(header_reader, m, &ci));
	be64(m->data + 12, ~0ULL);
	EXPECT_EQ(COW_BAD_SIZE, cow_read_header(header_reader, m, &ci));
	be64(m->data + 12, 4096);
	memset(m->data + 32, 'a', COW_PATH_MAX); /* no NUL in the name field */
	EXPECT_EQ(COW_BAD_NAME, cow_read_header(header_reader, m, &ci));
	m->data[32] = 0;
	m->data[33] = 0; /* looks like the broken layout, whose name is empty */
	m->data[34] = 0;
	m->data[35] = 0;
	m->data[36] = 0;
	EXPECT_EQ(COW_BAD_NAME, cow_read_header(header_reader, m, &ci));
	mem_free(m);
}

TEST(short_files_and_read_errors)
{
	struct mem_file *m = mkcow_file("/x");
	struct cow_info ci;

	m->size = 100;
	EXPECT_EQ(COW_SHORT, cow_read_header(header_reader, m, &ci));
	m->size = COW_V3_HEADER_SIZE - 1;
	EXPECT_EQ(COW_SHORT, cow_read_header(header_reader, m, &ci));
	m->size = 6;
	EXPECT_EQ(COW_SHORT, cow_read_header(header_reader, m, &ci));
	m->size = 3;
	EXPECT_EQ(COW_NOT_COW, cow_read_header(header_reader, m, &ci));
	m->size = 0;
	EXPECT_EQ(COW_NOT_COW, cow_read_header(header_reader, m, &ci));
	EXPECT_EQ(COW_IO_ERROR, cow_read_header(failing_reader, m, &ci));
	EXPECT_EQ(-EIO, ci.io_error);
	EXPECT_STRNE("", cow_status_text(COW_BAD_NAME));
	mem_free(m);
}

TEST(layout_when_size_is_not_a_whole_byte_of_bits)
{
	struct cow_info ci;

	ASSERT_EQ(0, cow_init_v3(&ci, "/b", 1, 9 * 512, 512, 4096));
	EXPECT_EQ(2, ci.bitmap_len); /* 9 bits need 2 bytes (v3 fixed v1/v2's rounding) */
	ASSERT_EQ(0, cow_init_v3(&ci, "/b", 1, 1000, 512, 4096));
	EXPECT_EQ(1, ci.bitmap_len);
	ASSERT_EQ(0, cow_init_v3(&ci, "/b", 1, 4096ULL * 8 * 512 + 512, 512, 4096));
	EXPECT_EQ(4097, ci.bitmap_len);
	EXPECT_EQ(8192 + 8192, ci.data_offset);
	EXPECT_EQ(2, cow_bitmap_nchunks(&ci));
}

/* ---- bitmap helpers */

TEST(bit_order_is_lsb_first)
{
	uint8_t bm[2] = { 0x01, 0x02 };

	EXPECT_TRUE(cow_bit_test(bm, 0));
	EXPECT_FALSE(cow_bit_test(bm, 1));
	EXPECT_FALSE(cow_bit_test(bm, 8));
	EXPECT_TRUE(cow_bit_test(bm, 9));
}

TEST(runs_stop_where_the_value_changes)
{
	uint8_t bm[6] = { 0xF0, 0xFF, 0xFF, 0x01, 0x00, 0x00 };
	bool set;

	EXPECT_EQ(4, cow_bit_run(bm, 0, 48, &set));
	EXPECT_FALSE(set);
	EXPECT_EQ(4 + 16 + 1, cow_bit_run(bm, 4, 44, &set));
	EXPECT_TRUE(set);
	EXPECT_EQ(48 - 25, cow_bit_run(bm, 25, 23, &set));
	EXPECT_FALSE(set);
	EXPECT_EQ(3, cow_bit_run(bm, 5, 3, &set)); /* capped at n */
	EXPECT_EQ(1, cow_bit_run(bm, 47, 1, &set));
	EXPECT_EQ(10, cow_bit_run(bm, 8, 10, &set));
	EXPECT_TRUE(set);
}

TEST(setting_bits_reports_the_changed_bytes)
{
	uint8_t bm[8] = { 0 };
	uint64_t lo = 99, hi = 99;

	ASSERT_TRUE(cow_bits_set(bm, 7, 2, &lo, &hi));
	EXPECT_EQ(0x80, bm[0]);
	EXPECT_EQ(0x01, bm[1]);
	EXPECT_EQ(0, lo);
	EXPECT_EQ(2, hi);
	EXPECT_FALSE(cow_bits_set(bm, 7, 2, &lo, &hi));
	ASSERT_TRUE(cow_bits_set(bm, 0, 64, &lo, &hi));
	EXPECT_EQ(0, lo);
	EXPECT_EQ(8, hi);
	for (int i = 0; i < 8; i++)
		EXPECT_EQ(0xFF, bm[i]);
	memset(bm, 0xFF, sizeof(bm));
	bm[5] = 0x7F;
	ASSERT_TRUE(cow_bits_set(bm, 0, 64, &lo, &hi));
	EXPECT_EQ(5, lo);
	EXPECT_EQ(6, hi);
	memset(bm, 0, sizeof(bm));
	ASSERT_TRUE(cow_bits_set(bm, 63, 1, &lo, &hi)); /* the very last bit */
	EXPECT_EQ(7, lo);
	EXPECT_EQ(8, hi);
	EXPECT_EQ(0x80, bm[7]);
}

/* ---- COW devices */

TEST(writes_put_data_before_bitmap_and_nowhere_else)
{
	struct dev *d = dev_new(1 << 20);
	uint8_t buf[1024];

	memset(buf, 0x5A, sizeof(buf));
	ASSERT_EQ(0, cow_write(&d->ci, &d->bm, &d->io, 9, 2, buf));
	ASSERT_EQ(2, d->cow->nwrites);
	EXPECT_EQ(d->ci.data_offset + 9 * 512, d->cow->log_off[0]);
	EXPECT_EQ(1024, d->cow->log_len[0]);
	EXPECT_EQ(d->ci.bitmap_offset + 1, d->cow->log_off[1]); /* bits 9, 10: byte 1 */
	EXPECT_EQ(1, d->cow->log_len[1]);
	EXPECT_EQ(0x06, d->cow->data[d->ci.bitmap_offset + 1]);
	/* Rewriting the same sectors writes data only. */
	ASSERT_EQ(0, cow_write(&d->ci, &d->bm, &d->io, 9, 2, buf));
	EXPECT_EQ(3, d->cow->nwrites);
	EXPECT_EQ(-1, backing_changed_at(d));
	dev_free(d);
}

TEST(reads_mix_cow_and_backing_sectors)
{
	struct dev *d = dev_new(64 * 512);
	uint8_t w[512], r[8 * 512];

	memset(w, 0xC3, sizeof(w));
	ASSERT_EQ(0, cow_write(&d->ci, &d->bm, &d->io, 3, 1, w));
	ASSERT_EQ(0, cow_write(&d->ci, &d->bm, &d->io, 5, 1, w));
	ASSERT_EQ(0, cow_read(&d->ci, &d->bm, &d->io, 2, 8, r));
	for (int s = 0; s < 8; s++) {
		uint64_t sec = 2 + s;

		for (int i = 0; i < 512; i++) {
			uint8_t want = sec == 3 || sec == 5 ? 0xC3 : pattern(sec * 512 + i);

			ASSERT_EQ(want, r[s * 512 + i]) TH_LOG("sector %llu", (unsigned long long)sec);
		}
	}
	dev_free(d);
}

TEST(a_kill_between_data_and_bitmap_keeps_the_old_data)
{
	struct dev *d = dev_new(1 << 20);
	struct cow_bitmap bm;
	uint8_t w[2048], r[2048];

	memset(w, 0xEE, sizeof(w));
	d->cow->fail_after = 1; /* the data write lands, the bitmap write does not */
	EXPECT_EQ(-EIO, cow_write(&d->ci, &d->bm, &d->io, 100, 4, w));
	ASSERT_EQ(0, cow_read(&d->ci, &d->bm, &d->io, 100, 4, r));
	for (int i = 0; i < 2048; i++)
		ASSERT_EQ(pattern(100 * 512 + i), r[i]);
	bm = reload(d);
	ASSERT_EQ(0, cow_read(&d->ci, &bm, &d->io, 100, 4, r));
	for (int i = 0; i < 2048; i++)
		ASSERT_EQ(pattern(100 * 512 + i), r[i]);
	bm_free(&bm);
	d->cow->fail_after = 1; /* nothing lands: the data write itself fails */
	EXPECT_EQ(-EIO, cow_write(&d->ci, &d->bm, &d->io, 200, 1, w));
	EXPECT_FALSE(d->bm.chunks[0] && cow_bit_test(d->bm.chunks[0], 200));
	dev_free(d);
}

/* Random writes and reads against a flat model, across bitmap chunk boundaries. */
TEST(random_workload_matches_a_flat_model)
{
	uint64_t size = 2 * COW_CHUNK_SECTORS * 512 + 37 * 512, nsec = size / 512;
	struct dev *d = dev_new(size);
	uint8_t *model = malloc(size), *buf = malloc(300 * 512);
	struct cow_bitmap bm;

	memcpy(model, d->backing->data, size);
	srandom(7);
	for (int op = 0; op < 3000; op++) {
		uint64_t n = 1 + random() % 256, sec = (uint64_t)random() % nsec;

		if (op % 5 == 0) /* straddle a chunk boundary */
			sec = COW_CHUNK_SECTORS * (1 + random() % 2) - random() % 8;
		if (sec + n > nsec)
			n = nsec - sec;
		if (random() % 2) {
			for (uint64_t i = 0; i < n * 512; i++)
				buf[i] = (uint8_t)random();
			ASSERT_EQ(0, cow_write(&d->ci, &d->bm, &d->io, sec, n, buf));
			memcpy(model + sec * 512, buf, n * 512);
		} else {
			ASSERT_EQ(0, cow_read(&d->ci, &d->bm, &d->io, sec, n, buf));
			ASSERT_EQ(0, memcmp(model + sec * 512, buf, n * 512))
				TH_LOG("op %d: sectors %llu+%llu", op, (unsigned long long)sec,
				       (unsigned long long)n);
		}
	}
	/* What another reader of the file (a new instance, uml_moo) sees. */
	bm = reload(d);
	for (uint64_t i = 0; i < bm.nchunks; i++) {
		bool a = bm.chunks[i], b = d->bm.chunks[i];

		ASSERT_EQ(a, b);
		if (a)
			ASSERT_EQ(0, memcmp(bm.chunks[i], d->bm.chunks[i], COW_CHUNK_BYTES));
	}
	for (uint64_t sec = 0; sec < nsec; sec += 256) {
		uint64_t n = nsec - sec < 256 ? nsec - sec : 256;

		ASSERT_EQ(0, cow_read(&d->ci, &bm, &d->io, sec, n, buf));
		ASSERT_EQ(0, memcmp(model + sec * 512, buf, n * 512));
	}
	EXPECT_EQ(-1, backing_changed_at(d));
	bm_free(&bm);
	free(model);
	free(buf);
	dev_free(d);
}

TEST(a_backing_file_cut_short_on_the_host_is_a_read_error_not_zeros)
{
	struct dev *d = dev_new(16 * 512);
	uint8_t r[4 * 512];

	d->backing->size = 13 * 512 + 100; /* the host truncated it under the instance */
	EXPECT_EQ(-EIO, cow_read(&d->ci, &d->bm, &d->io, 12, 4, r));
	ASSERT_EQ(0, cow_read(&d->ci, &d->bm, &d->io, 8, 4, r)); /* what is still there */
	EXPECT_EQ(pattern(8 * 512), r[0]);
	EXPECT_EQ(pattern(12 * 512 - 1), r[4 * 512 - 1]);
	dev_free(d);
}

TEST(a_backing_file_ending_inside_its_last_sector_reads_zeros_after_its_end)
{
	struct dev *d = dev_new(16 * 512);
	uint8_t r[4 * 512];

	/* a header recording an odd size, and a file of exactly that size */
	ASSERT_EQ(0, cow_init_v3(&d->ci, "/img/backing", 1234, 15 * 512 + 100, 512, 4096));
	d->backing->size = 15 * 512 + 100;
	ASSERT_EQ(0, cow_read(&d->ci, &d->bm, &d->io, 12, 4, r));
	EXPECT_EQ(pattern(12 * 512), r[0]);
	EXPECT_EQ(pattern(15 * 512 + 99), r[3 * 512 + 99]);
	EXPECT_EQ(0, r[3 * 512 + 100]);
	EXPECT_EQ(0, r[4 * 512 - 1]);
	dev_free(d);
}

TEST_HARNESS_MAIN
