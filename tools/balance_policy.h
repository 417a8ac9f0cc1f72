/*
 * The allocation rule of umlite-balance (tools/balance_policy.c): ESX's shares-per-page
 * ratio with an idle memory tax, as a pure function of the instances' figures.
 */
#ifndef BALANCE_POLICY_H
#define BALANCE_POLICY_H

#include <stdint.h>

#define BAL_MIB (1ULL << 20)

struct bal_vm {
	/* inputs, bytes */
	uint64_t boot;   /* the boot mem= (never exceeded) */
	uint64_t mem;    /* memory now (boot less what the balloon holds) */
	uint64_t used;   /* memory in use in the guest (the balloon cannot take it) */
	uint64_t active; /* the estimated active part of it (sampling) */
	uint64_t shares; /* the instance's claim; 0 means its boot size in MiB */
	/* output */
	uint64_t target; /* the memory it should have */
};

struct bal_params {
	uint64_t budget;   /* what all instances together may have, bytes */
	double tax;        /* idle memory tax rate, 0 <= tax < 1 (ESX default 0.75) */
	uint64_t floor;    /* no instance goes below this, bytes */
	uint64_t headroom; /* room left above what an instance uses, bytes */
	uint64_t step;     /* granularity of the allocation, bytes */
};

/*
 * ESX's ratio for an instance holding p bytes: shares / (active + k * idle), where idle is
 * p - active and k = 1 / (1 - tax). Memory goes to the highest ratio, and comes from the
 * lowest.
 */
double bal_rho(const struct bal_vm *v, uint64_t p, double tax);

/*
 * Set every target: each instance first gets what it cannot give (max(floor, used +
 * headroom), at most its boot size), then the rest of the budget goes, step by step, to
 * the instance with the highest ratio that is below its boot size. Returns 0, or -1 when
 * the instances' needs alone exceed the budget (the targets are then those needs).
 */
int bal_compute(struct bal_vm *v, int n, const struct bal_params *p);

#endif
