/*
 * The allocation rule of umlite-balance: ESX's shares-per-page ratio with an idle memory
 * tax (Waldspurger, OSDI 2002, section 5.1). With equal shares and a tax rate of 75%, an
 * idle instance is charged four times as much for a page as a busy one, so at balance an
 * idle instance holds a quarter of what a busy one does; a tax of 0 divides memory by
 * shares alone.
 *
 * Pure: no I/O, so tests/unit/balance_test.c checks it directly.
 */
#include "balance_policy.h"

static uint64_t shares_of(const struct bal_vm *v)
{
	return v->shares ? v->shares : (v->boot / BAL_MIB ? v->boot / BAL_MIB : 1);
}

double bal_rho(const struct bal_vm *v, uint64_t p, double tax)
{
	double k = 1.0 / (1.0 - tax);
	double active = (double)(v->active < p ? v->active : p);
	double cost = active + k * ((double)p - active);

	if (cost < 1.0)
		cost = 1.0;
	return (double)shares_of(v) / cost;
}

static uint64_t need_of(const struct bal_vm *v, const struct bal_params *p)
{
	uint64_t need = v->used + p->headroom;

	if (need < p->floor)
		need = p->floor;
	if (need > v->boot)
		need = v->boot;
	if (p->step > 1)
		need = (need + p->step - 1) / p->step * p->step;
	return need > v->boot ? v->boot : need;
}

int bal_compute(struct bal_vm *v, int n, const struct bal_params *p)
{
	uint64_t sum = 0, left, step = p->step ? p->step : BAL_MIB;
	double tax = p->tax < 0 ? 0 : (p->tax > 0.99 ? 0.99 : p->tax);

	for (int i = 0; i < n; i++) {
		v[i].target = need_of(&v[i], p);
		sum += v[i].target;
	}
	if (sum > p->budget)
		return -1;
	left = p->budget - sum;
	while (left > 0) {
		int best = -1;
		double best_rho = 0;

		for (int i = 0; i < n; i++) {
			double r;

			if (v[i].target >= v[i].boot)
				continue;
			r = bal_rho(&v[i], v[i].target, tax);
			if (best < 0 || r > best_rho) {
				best = i;
				best_rho = r;
			}
		}
		if (best < 0)
			break; /* everyone has its boot size */
		{
			uint64_t give = step < left ? step : left;

			if (give > v[best].boot - v[best].target)
				give = v[best].boot - v[best].target;
			v[best].target += give;
			left -= give;
		}
	}
	return 0;
}
