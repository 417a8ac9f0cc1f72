# um-lite: one non-recursive Makefile.
#
# Two worlds (DESIGN.md section 2, STYLE.md rule 2):
#  - host side: arch/um-lite/os/*.c, arch/um-lite/x86_64/*, and *_host.c files.
#    Ordinary glibc headers, -D_GNU_SOURCE.
#  - kernel side: everything else. Freestanding: -ffreestanding -nostdinc, gcc's own
#    headers and a symlink farm of the Linux UAPI headers (build/uapi), so a stray
#    host include is a compile error.
#
# Targets: all (./umlite), defconfig, menuconfig, olddefconfig, test, run, bench,
# check, gdb, clean. `make V=1` shows the commands.

.DEFAULT_GOAL := all
SHELL := /bin/bash

B := build
CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif
GCCINC := $(shell $(CC) -print-file-name=include)
UAPI_ASM := $(firstword $(wildcard /usr/include/x86_64-linux-gnu/asm /usr/include/asm))

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---------------------------------------------------------------- configuration
KCONFIG_DIR := $(B)/kconfig
AUTOCONF := $(B)/autoconf.h

.config:
	$(Q)echo "  no .config: using configs/defconfig (make menuconfig to change it)"
	$(Q)$(MAKE) --no-print-directory defconfig

$(AUTOCONF): .config Kconfig
	$(Q)command -v kconfig-conf >/dev/null || { scripts/deps.sh --check; exit 1; }
	$(Q)mkdir -p $(KCONFIG_DIR)/include/config $(KCONFIG_DIR)/include/generated
	@# options added to Kconfig since .config was written take their defaults
	$(Q)KCONFIG_CONFIG=.config kconfig-conf -s --olddefconfig Kconfig
	$(Q)cd $(KCONFIG_DIR) && KCONFIG_CONFIG=$(CURDIR)/.config kconfig-conf -s --silentoldconfig $(CURDIR)/Kconfig
	$(Q)cp $(KCONFIG_DIR)/include/generated/autoconf.h $@

defconfig:
	$(Q)command -v kconfig-conf >/dev/null || { scripts/deps.sh --check; exit 1; }
	$(Q)KCONFIG_CONFIG=.config kconfig-conf -s --defconfig=configs/defconfig Kconfig

olddefconfig: .config
	$(Q)KCONFIG_CONFIG=.config kconfig-conf -s --olddefconfig Kconfig

menuconfig: .config
	$(Q)KCONFIG_CONFIG=.config kconfig-mconf Kconfig

savedefconfig: .config
	$(Q)KCONFIG_CONFIG=.config kconfig-conf --savedefconfig=configs/defconfig Kconfig

# ---------------------------------------------------------------- flags
WARN := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes -Wno-unused-parameter \
	-Wno-missing-field-initializers
COMMON := -std=gnu11 -O2 -g -fno-omit-frame-pointer -fno-strict-aliasing -fno-common \
	-include $(AUTOCONF) -Iarch/um-lite/include/shared $(WARN)
ifeq ($(KASAN),1)
COMMON += -fsanitize=address -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address
endif

KCFLAGS := $(COMMON) -ffreestanding -nostdinc -isystem $(GCCINC) -isystem $(B)/uapi \
	-Ikernel/include -Idrivers -D__KERNEL_SIDE__
HCFLAGS := $(COMMON) -D_GNU_SOURCE -Idrivers
LDLIBS := -lz -lseccomp

# ---------------------------------------------------------------- sources
# A file's world is decided by its path alone.
HOST_SRCS := $(wildcard arch/um-lite/os/*.c arch/um-lite/x86_64/*.c) \
	$(wildcard drivers/*/*_host.c skas/*_host.c tt/*_host.c)
ASM_SRCS := $(wildcard arch/um-lite/x86_64/*.S)
KERN_SRCS := $(wildcard kernel/*.c kernel/*/*.c kernel/*/*/*.c) \
	$(filter-out %_host.c,$(wildcard drivers/*/*.c tt/*.c)) \
	$(filter-out %_host.c skas/stub.c skas/seccomp_stub.c,$(wildcard skas/*.c))

HOST_OBJS := $(HOST_SRCS:%.c=$(B)/%.o)
KERN_OBJS := $(KERN_SRCS:%.c=$(B)/%.o)
ASM_OBJS := $(ASM_SRCS:%.S=$(B)/%.o)
OBJS := $(HOST_OBJS) $(KERN_OBJS) $(ASM_OBJS)
DEPS := $(OBJS:.o=.d)

$(B)/uapi/.stamp:
	$(Q)mkdir -p $(B)/uapi
	$(Q)ln -sfn /usr/include/linux $(B)/uapi/linux
	$(Q)ln -sfn /usr/include/asm-generic $(B)/uapi/asm-generic
	$(Q)ln -sfn $(UAPI_ASM) $(B)/uapi/asm
	$(Q)touch $@

$(HOST_OBJS): $(B)/%.o: %.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(HCFLAGS) -MMD -MP -c $< -o $@

$(KERN_OBJS): $(B)/%.o: %.c $(AUTOCONF) $(B)/uapi/.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(ASM_OBJS): $(B)/%.o: %.S $(AUTOCONF) $(B)/skas/stub.elf $(B)/skas/seccomp_stub.elf
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HCFLAGS) -DSTUB_ELF='"$(B)/skas/stub.elf"' \
		-DSECCOMP_STUB_ELF='"$(B)/skas/seccomp_stub.elf"' -MMD -MP -c $< -o $@

# The SKAS stub: a tiny static program, no libc, linked at a fixed address above the
# guest's address space. It is embedded in umlite and exec'd for every address space.
STUB_CFLAGS := -std=gnu11 -O2 -g -static -nostdlib -ffreestanding -fno-builtin -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fcf-protection=none \
	-mgeneral-regs-only -Iarch/um-lite/include/shared -include $(AUTOCONF) $(WARN)
STUB_LDCOMMON := -no-pie -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,norelro
STUB_LDFLAGS := $(STUB_LDCOMMON) -Wl,-T,skas/stub.lds
$(B)/skas/stub.elf: skas/stub.c skas/stub.lds $(AUTOCONF) arch/um-lite/include/shared/stub-data.h \
		arch/um-lite/include/shared/as-layout.h
	@mkdir -p $(dir $@)
	@echo "  STUB    $@"
	$(Q)$(CC) $(STUB_CFLAGS) $(STUB_LDFLAGS) skas/stub.c -o $@

# The seccomp backend's stub (skas=seccomp): same flags, its own entry table and layout.
$(B)/skas/seccomp_stub.elf: skas/seccomp_stub.c skas/seccomp_stub.lds $(AUTOCONF) \
		arch/um-lite/include/shared/stub-data.h arch/um-lite/include/shared/stub-seccomp.h \
		arch/um-lite/include/shared/as-layout.h
	@mkdir -p $(dir $@)
	@echo "  STUB    $@"
	$(Q)$(CC) $(STUB_CFLAGS) $(STUB_LDCOMMON) -Wl,-T,skas/seccomp_stub.lds skas/seccomp_stub.c \
		-o $@

umlite: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)
	$(Q)scripts/check.sh --symbols $(HOST_OBJS) $(KERN_OBJS)

all: umlite

-include $(DEPS)

# ---------------------------------------------------------------- guest userland
BUSYBOX ?= $(firstword $(wildcard /bin/busybox /usr/bin/busybox))
$(B)/rootfs.cpio: scripts/mkinitramfs.sh $(BUSYBOX)
	@mkdir -p $(B)
	@echo "  CPIO    $@"
	$(Q)scripts/mkinitramfs.sh busybox $@

# Guest test programs: static, run natively (the oracle) and inside an instance.
GUEST_TESTS := $(patsubst tests/guest/%.c,$(B)/tests/guest/%,$(wildcard tests/guest/*_test.c))
GUEST_CFLAGS := -std=gnu11 -O2 -g -static -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -Itests/kselftest -D_GNU_SOURCE
$(B)/tests/guest/%: tests/guest/%.c $(wildcard tests/kselftest/*.h)
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	$(Q)$(CC) $(GUEST_CFLAGS) $< -o $@

$(B)/test.cpio: $(B)/rootfs.cpio $(GUEST_TESTS) scripts/mkinitramfs.sh
	@echo "  CPIO    $@"
	$(Q)scripts/mkinitramfs.sh tests $@ $(GUEST_TESTS)

# Host-side unit tests: kernel pieces compiled for the host and linked with the harness.
# Each unit test names the objects it needs in a line "// UNIT-OBJS: a.o b.o" (under build/),
# and host libraries in a line "// UNIT-LIBS: -lx".
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(wildcard tests/unit/*_test.c))
UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-missing-field-initializers -D_GNU_SOURCE -Itests/kselftest -Itests/unit \
	-Iarch/um-lite/include/shared -include $(AUTOCONF)
unit_objs = $(addprefix $(B)/,$(shell sed -n 's|^// UNIT-OBJS: ||p' $(1)))
unit_libs = $(shell sed -n 's|^// UNIT-LIBS: ||p' $(1))
.SECONDEXPANSION:
$(B)/tests/unit/%: tests/unit/%.c $(AUTOCONF) $$(call unit_objs,tests/unit/$$*.c) \
		$(wildcard tests/kselftest/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	@echo "  UNIT    $@"
	$(Q)$(CC) $(UNIT_CFLAGS) $< $(call unit_objs,$<) $(call unit_libs,$<) -o $@
.PRECIOUS: $(B)/tests/unit/%.o
$(B)/tests/unit/%.o: tests/unit/%.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(UNIT_CFLAGS) -c $< -o $@

# The harness's own self-test (tests/kselftest/selftest/check.sh judges its output).
HARNESS_SELFTEST := $(B)/tests/kselftest/harness_selftest
$(HARNESS_SELFTEST): tests/kselftest/selftest/harness_selftest.c $(wildcard tests/kselftest/*.h)
	@mkdir -p $(dir $@)
	@echo "  UNIT    $@"
	$(Q)$(CC) $(UNIT_CFLAGS) $< -o $@

BENCH_PROGS := $(patsubst tests/bench/%.c,$(B)/tests/bench/%,$(wildcard tests/bench/*.c))
$(B)/tests/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	@echo "  BENCH   $@"
	$(Q)$(CC) -std=gnu11 -O2 -static -D_GNU_SOURCE -Wall -Wextra $< -o $@

# ---------------------------------------------------------------- user commands
deps:
	$(Q)scripts/deps.sh

# What `make test` builds before scripts/run-tests.sh runs every suite.
TEST_DEPS := $(UNIT_TESTS) $(HARNESS_SELFTEST) umlite $(B)/rootfs.cpio $(B)/test.cpio $(GUEST_TESTS)
test: deps
	$(Q)$(MAKE) --no-print-directory $(TEST_DEPS)
	$(Q)scripts/run-tests.sh

MEM ?= 128M
run: deps umlite $(B)/rootfs.cpio
ifeq ($(CMD),)
	$(Q)./umlite mem=$(MEM) initrd=$(B)/rootfs.cpio init=/bin/sh $(ARGS)
else
	$(Q)./umlite mem=$(MEM) initrd=$(B)/rootfs.cpio init=/bin/sh $(ARGS) -- -c '$(subst ','\'',$(CMD))'
endif

gdb: umlite $(B)/rootfs.cpio
	$(Q)gdb -q -x scripts/gdb/umlite-gdb.py --args ./umlite mem=$(MEM) initrd=$(B)/rootfs.cpio \
		init=/bin/sh $(ARGS)

bench: deps umlite $(B)/rootfs.cpio $(BENCH_PROGS)
	$(Q)scripts/bench.sh

check: umlite
	$(Q)scripts/check.sh --all

clean:
	rm -rf $(B) umlite

distclean: clean
	rm -f .config .config.old

.PHONY: all defconfig olddefconfig menuconfig savedefconfig deps test run gdb bench check \
	clean distclean
