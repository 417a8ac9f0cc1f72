#!/usr/bin/env bash
# Makes sure the Debian packages um-lite needs are installed.
#
#   scripts/deps.sh          install what is missing when run as root, otherwise print
#                            the exact apt-get line and fail
#   scripts/deps.sh --check  only report; never install
#   scripts/deps.sh --list   print the package list
#
# The list is the field's own well-kept tools (README.md, "Dependencies").
set -u

PKGS=(
	gcc make libc6-dev linux-libc-dev    # compiler, static glibc for guest tests, UAPI headers
	kconfig-frontends                    # Kconfig: make defconfig / menuconfig
	zlib1g-dev                           # gzip'd initramfs images
	libseccomp-dev                       # skas=seccomp: the stubs' seccomp filters
	busybox-static                       # the default guest userland
	cpio                                 # packing initramfs images
	bats                                 # black-box tests
	e2fsprogs                            # mke2fs / e2fsck / debugfs for disk images
	libext2fs-dev                        # ext2/3/4 on disk: libext2fs (kernel/fs/ext4)
	comerr-dev                           # libcom_err, libext2fs's error messages
	uml-utilities                        # the real uml_mconsole, uml_moo, uml_mkcow as judges
	python3                              # pseudo-terminal console tests
	gdb                                  # kernel debugging (make gdb) and its tests
	strace                               # the judge of strace= output in the tests
	debootstrap                          # Debian images: mkrootfs.sh debian, debian.bats
)

mode=install
case "${1:-}" in
--check) mode=check ;;
--list) printf '%s\n' "${PKGS[@]}"; exit 0 ;;
"") ;;
*) echo "usage: $0 [--check|--list]" >&2; exit 2 ;;
esac

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
	for p in "${PKGS[@]}"; do
		st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$st" = "install ok installed" ] || missing+=("$p")
	done
else
	# Not Debian: check for the commands instead and name the Debian packages.
	for pair in gcc:gcc make:make kconfig-conf:kconfig-frontends busybox:busybox-static \
		cpio:cpio bats:bats mke2fs:e2fsprogs python3:python3 gdb:gdb strace:strace; do
		command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
	done
fi

[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y ${missing[*]}"
if [ "$mode" = install ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
		apt-get update -qq >/dev/null 2>&1 || true
		apt-get install -y --no-install-recommends "${missing[@]}" >&2 || {
			echo "deps: apt-get failed; run: $line" >&2
			exit 1
		}
	fi
	exit 0
fi
echo "deps: missing Debian packages: ${missing[*]}" >&2
echo "deps: as root, run:" >&2
echo "  $line" >&2
exit 1
