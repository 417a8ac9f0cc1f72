#!/usr/bin/env bash
# Builds ext4 root filesystem images for um-lite with mke2fs -d, without root.
#
#   scripts/mkrootfs.sh [-s SIZE] busybox OUT         busybox-static with every applet linked
#                                                     and a minimal /etc (as mkinitramfs.sh)
#   scripts/mkrootfs.sh [-s SIZE] tests OUT PROG...   the busybox image plus PROG... in /tests
#   scripts/mkrootfs.sh [-s SIZE] extra OUT DIR PROG...   the busybox image plus PROG... in /DIR
#   scripts/mkrootfs.sh [-s SIZE] debian OUT [SUITE]  Debian (debootstrap --variant=minbase,
#                                                     default suite bookworm) with python3,
#                                                     python3-venv, procps, perl-base, less:
#                                                     needs root and a Debian mirror
#
# SIZE is mke2fs's (64M by default, 1G for debian); the image file is sparse. Every file is
# owned by root:root in the image, whoever runs this (fixed up with debugfs when not root).
#
# debian: MIRROR (http://deb.debian.org/debian) is the mirror, DEBIAN_EXTRA="PKG ..." adds
# packages. The installed tree is kept in DEBIAN_CACHE (build/debian by default) as
# SUITE-HASH/tree (HASH of the suite, mirror and package list), with the downloaded .debs
# in DEBIAN_CACHE/debs: a second run only makes the image (seconds). The tree is also
# what tests chroot into to compare with the guest (tests/bats/debian.bats).
# `scripts/mkrootfs.sh --debian-tree [SUITE]` only prints that tree's path (made if absent).
# Boot it with:  ./umlite ubd0=OUT root=/dev/ubda init=/bin/sh
# or share one image between instances through COW files:  ubd0=inst1.cow,OUT
set -euo pipefail

die() { echo "mkrootfs: $*" >&2; exit 1; }

size=
if [ "${1:-}" = -s ]; then
	[ $# -ge 2 ] || die "-s needs a size (64M, 1G...)"
	size=$2
	shift 2
fi
if [ "${1:-}" = --debian-tree ]; then
	. "$(dirname "$0")/rootfs-lib.sh"
	debian_tree "${2:-bookworm}"
	exit
fi
[ $# -ge 2 ] || die "usage: $0 [-s SIZE] busybox|tests|extra|debian OUT [...]"
kind=$1 out=$2
shift 2
command -v mke2fs >/dev/null || die "mke2fs not found: install e2fsprogs (scripts/deps.sh)"
command -v debugfs >/dev/null || die "debugfs not found: install e2fsprogs (scripts/deps.sh)"

# shellcheck source=scripts/rootfs-lib.sh
. "$(dirname "$0")/rootfs-lib.sh"

stage=$(mktemp -d)
src=$stage
trap '[ -z "$stage" ] || rm -rf "$stage"' EXIT

case "$kind" in
busybox | tests | extra)
	find_busybox
	populate_busybox "$stage"
	if [ "$kind" = tests ]; then
		populate_extra "$stage" tests "$@"
	elif [ "$kind" = extra ]; then
		[ $# -ge 1 ] || die "extra needs a directory"
		dir=$1
		shift
		populate_extra "$stage" "$dir" "$@"
	fi
	;;
debian)
	tree=$(debian_tree "${1:-bookworm}")
	rmdir "$stage"
	stage=
	src=$tree
	: "${size:=1G}"
	;;
*) die "unknown kind '$kind'" ;;
esac

case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
tmp="$out.tmp.$$"
rm -f "$tmp"
mke2fs -q -F -t ext4 -b 4096 -L rootfs -E root_owner=0:0 -d "$src" "$tmp" "${size:-64M}" >/dev/null ||
	{ rm -f "$tmp"; die "mke2fs failed"; }

# mke2fs -d keeps the owners of the staged files: make them root's when they are not.
if [ "$(id -u)" != 0 ]; then
	(cd "$src" && find . -mindepth 1 | sed 's|^\.||' | while read -r p; do
		printf 'sif "%s" uid 0\nsif "%s" gid 0\n' "$p" "$p"
	done) >"$stage.debugfs"
	debugfs -w -f "$stage.debugfs" "$tmp" >/dev/null 2>&1 ||
		{ rm -f "$tmp" "$stage.debugfs"; die "debugfs could not set the owners"; }
	rm -f "$stage.debugfs"
fi
e2fsck -fn "$tmp" >/dev/null 2>&1 || { rm -f "$tmp"; die "the new image does not pass e2fsck"; }
mv "$tmp" "$out"
