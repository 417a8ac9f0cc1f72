/*
 * Unit tests of umlite-balance's allocation rule (tools/balance_policy.c): ESX's
 * shares-per-page ratio with the idle memory tax. Checked: the budget is never exceeded,
 * nobody is pushed under what it uses or over its boot size, an idle instance gets a
 * quarter of a busy one's memory at a 75% tax (the paper's example), a zero tax divides by
 * shares alone, and a busy instance takes memory from an idle one as it becomes busy.
 */
// UNIT-OBJS: tests/unit/balance_policy.o
#include <stdint.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../../tools/balance_policy.h"

#define MIB BAL_MIB

static const struct bal_params def = {
	.budget = 512 * MIB, .tax = 0.75, .floor = 16 * MIB, .headroom = 0, .step = MIB,
};

static uint64_t sum_targets(const struct bal_vm *v, int n)
{
	uint64_t s = 0;

	for (int i = 0; i < n; i++)
		s += v[i].target;
	return s;
}

TEST(budget_is_shared_out_and_never_exceeded)
{
	struct bal_vm v[4];

	for (int i = 0; i < 4; i++)
		v[i] = (struct bal_vm){ .boot = 256 * MIB, .mem = 256 * MIB, .used = 20 * MIB };
	ASSERT_EQ(0, bal_compute(v, 4, &def));
	EXPECT_EQ(512 * MIB, sum_targets(v, 4));
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(128 * MIB, v[i].target); /* equal claims, equal idleness: equal parts */
}

TEST(idle_instance_gets_a_quarter_of_a_busy_one_at_75_percent_tax)
{
	struct bal_vm v[2] = {
		{ .boot = 1024 * MIB, .mem = 512 * MIB, .used = 20 * MIB, .active = 20 * MIB },
		{ .boot = 1024 * MIB, .mem = 512 * MIB, .used = 20 * MIB, .active = 0 },
	};
	struct bal_params p = def;

	p.budget = 500 * MIB;
	ASSERT_EQ(0, bal_compute(v, 2, &p));
	EXPECT_EQ(500 * MIB, sum_targets(v, 2));
	/* Busy: cost 20 + 4 (P - 20); idle: 4 P. Equal at P_busy = P_idle + 15. */
	EXPECT_GE(v[0].target, v[1].target + 14 * MIB);
	EXPECT_LE(v[0].target, v[1].target + 16 * MIB);

	/* A busy instance whose whole memory is active: P_busy = 4 P_idle. */
	v[0].active = 1024 * MIB;
	v[0].used = 40 * MIB;
	ASSERT_EQ(0, bal_compute(v, 2, &p));
	EXPECT_GE(v[0].target, 399 * MIB);
	EXPECT_LE(v[0].target, 401 * MIB);
	EXPECT_GE(v[1].target, 99 * MIB);
	EXPECT_LE(v[1].target, 101 * MIB);
}

TEST(no_tax_divides_by_shares)
{
	struct bal_vm v[2] = {
		{ .boot = 1024 * MIB, .used = 10 * MIB, .active = 10 * MIB, .shares = 300 },
		{ .boot = 1024 * MIB, .used = 10 * MIB, .active = 0, .shares = 100 },
	};
	struct bal_params p = def;

	p.tax = 0;
	p.budget = 400 * MIB;
	ASSERT_EQ(0, bal_compute(v, 2, &p));
	EXPECT_EQ(300 * MIB, v[0].target);
	EXPECT_EQ(100 * MIB, v[1].target);
}

TEST(what_is_used_is_never_taken_and_boot_size_never_exceeded)
{
	struct bal_vm v[3] = {
		/* idle but full */
		{ .boot = 256 * MIB, .used = 100 * MIB, .active = 0, .shares = 100 },
		/* small and busy */
		{ .boot = 64 * MIB, .used = 10 * MIB, .active = 10 * MIB, .shares = 100 },
		{ .boot = 1024 * MIB, .used = 5 * MIB, .active = 0, .shares = 100 },
	};
	struct bal_params p = def;

	p.headroom = 8 * MIB;
	p.budget = 400 * MIB;
	ASSERT_EQ(0, bal_compute(v, 3, &p));
	EXPECT_GE(v[0].target, 108 * MIB);
	EXPECT_EQ(64 * MIB, v[1].target); /* the busy one is full: capped at its boot size */
	EXPECT_EQ(v[0].target, v[2].target); /* the idle ones split the rest */
	EXPECT_EQ(400 * MIB, sum_targets(v, 3));
	for (int i = 0; i < 3; i++)
		EXPECT_LE(v[i].target, v[i].boot);
}

TEST(needs_beyond_the_budget_are_reported)
{
	struct bal_vm v[2] = {
		{ .boot = 512 * MIB, .used = 300 * MIB },
		{ .boot = 512 * MIB, .used = 300 * MIB },
	};

	EXPECT_EQ(-1, bal_compute(v, 2, &def));
	EXPECT_EQ(300 * MIB, v[0].target);
	EXPECT_EQ(300 * MIB, v[1].target);
}

TEST(memory_follows_activity)
{
	struct bal_vm v[2] = {
		{ .boot = 512 * MIB, .used = 40 * MIB, .active = 0 },
		{ .boot = 512 * MIB, .used = 40 * MIB, .active = 0 },
	};
	uint64_t before;

	ASSERT_EQ(0, bal_compute(v, 2, &def));
	before = v[1].target;
	EXPECT_EQ(v[0].target, v[1].target);
	v[1].used = 200 * MIB;
	v[1].active = 200 * MIB; /* instance 1 gets busy */
	ASSERT_EQ(0, bal_compute(v, 2, &def));
	EXPECT_GT(v[1].target, before);
	EXPECT_LT(v[0].target, before);
	EXPECT_EQ(512 * MIB, sum_targets(v, 2));
}

TEST_HARNESS_MAIN
