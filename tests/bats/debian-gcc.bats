#!/usr/bin/env bats
# gcc in the guest: a Debian 12 image with gcc, libc6-dev and make compiles and runs a
# threaded C program and builds a small project with make -j2, then rebuilds only what
# changed. The image is not made here (it needs a second debootstrap tree); make it with
#   DEBIAN_EXTRA="gcc libc6-dev make" scripts/mkrootfs.sh -s 2G debian build/debian-gcc.ext4
# Without it (DEBIAN_GCC_IMAGE) the test is skipped.
# shellcheck disable=SC2016 # single-quoted scripts are expanded by the guest's shell
load helpers.bash

IMAGE=${DEBIAN_GCC_IMAGE:-$ROOT/build/debian-gcc.ext4}

@test "debian-gcc: gcc -pthread and make -j2 in the guest" {
	[ -f "$IMAGE" ] || skip "no $IMAGE (see the comment at the top)"
	grep -q '^#define CONFIG_EXT4 1' "$ROOT/build/autoconf.h" || skip "no CONFIG_EXT4"
	cd "$BATS_TEST_TMPDIR" || return 1
	cat >script.sh <<'SCRIPT'
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C
mkdir /tmp/proj && cd /tmp/proj && mkdir src
printf '%s\n' '#include <pthread.h>' '#include <stdio.h>' 'static long sum[4];' \
	'static void *work(void *a) { long i = (long)a;' \
	'	for (long k = 0; k < 1000000; k++) sum[i] += k % 7; return NULL; }' \
	'int main(void) { pthread_t t[4]; long s = 0;' \
	'	for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, (void *)i);' \
	'	for (int i = 0; i < 4; i++) { pthread_join(t[i], NULL); s += sum[i]; }' \
	'	printf("threads sum %ld\n", s); return 0; }' > t.c
gcc -O2 -Wall -pthread -o t t.c && ./t
for i in 1 2 3 4; do printf 'int f%d(int x) { return x * %d; }\n' $i $i > src/f$i.c; done
printf '%s\n' '#include <stdio.h>' 'int f1(int), f2(int), f3(int), f4(int);' \
	'int main(void) { printf("%d\n", f1(1) + f2(2) + f3(3) + f4(4)); return 0; }' > src/main.c
printf 'OBJS := $(patsubst %%.c,%%.o,$(wildcard src/*.c))\nprog: $(OBJS)\n\t$(CC) -o $@ $^\n' \
	> Makefile
printf '%%.o: %%.c\n\t$(CC) -O2 -c -o $@ $<\n' >> Makefile
make -j2 >/dev/null && ./prog && touch src/f2.c && make | wc -l && make
SCRIPT
	run timeout -k 5 300 "$UMLITE" mem=1G "${MODE_ARGS[@]}" ubd0=guest.cow,"$IMAGE" root=/dev/ubda \
		init=/usr/bin/env -- -i /bin/bash -c "$(cat script.sh)"
	assert_contains "$output" "threads sum 11999988
30
2
make: 'prog' is up to date."
}
