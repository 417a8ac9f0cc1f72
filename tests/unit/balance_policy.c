/* The allocation rule of tools/, compiled into the unit tests (tests/unit/balance_test.c). */
#include "../../tools/balance_policy.c"
