#!/usr/bin/env bash
# Builds initramfs images (cpio newc) for um-lite, without root.
#
#   scripts/mkinitramfs.sh busybox OUT            busybox-static with every applet linked,
#                                                 a minimal /etc, and empty /dev /proc /sys /tmp
#   scripts/mkinitramfs.sh tests OUT PROG...      the busybox image plus PROG... in /tests
#   scripts/mkinitramfs.sh extra OUT DIR PROG...  the busybox image plus PROG... in /DIR
#
# A dynamically linked PROG brings the host's libraries it needs (its ELF interpreter,
# libc.so.6 and whatever else ldd lists), copied to the same paths in the image, so that
# glibc programs built without -static run in the guest.
# Every file is owned by root:root in the archive, whoever runs this script.
set -euo pipefail

die() { echo "mkinitramfs: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: $0 busybox|tests|extra OUT [...]"
kind=$1 out=$2
shift 2

bb=${BUSYBOX:-}
[ -n "$bb" ] || bb=$(command -v busybox || true)
[ -n "$bb" ] || die "busybox not found: install busybox-static (scripts/deps.sh)"
file -L "$bb" 2>/dev/null | grep -q 'statically linked' ||
	die "$bb is not statically linked: install busybox-static"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

populate_busybox() {
	local r=$1
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,tmp,root,home,mnt,var/tmp,run}
	chmod 1777 "$r/tmp" "$r/var/tmp"
	chmod 0700 "$r/root"
	cp "$bb" "$r/bin/busybox"
	chmod 0755 "$r/bin/busybox"
	local a
	while read -r a; do
		[ "$a" = bin/busybox ] && continue
		# a relative link: one "../" per directory level, then bin/busybox
		local d; d=$(dirname "$a")
		case "$d" in
		bin) ln -sf busybox "$r/$a" ;;
		.) ln -sf bin/busybox "$r/$a" ;;
		*) ln -sf "$(echo "$d" | sed 's|[^/][^/]*|..|g')/bin/busybox" "$r/$a" ;;
		esac
	done < <("$bb" --list-full)
	cat >"$r/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
	cat >"$r/etc/group" <<'G'
root:x:0:
tty:x:5:
nogroup:x:65534:
G
	echo umlite >"$r/etc/hostname"
	printf '127.0.0.1\tlocalhost\n' >"$r/etc/hosts"
	cat >"$r/etc/profile" <<'PR'
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export HOME=${HOME:-/root}
PS1='\w # '
PR
}

# The shared libraries a dynamic ELF file needs (host paths, one a line); none when static.
shared_libs() {
	file -L "$1" 2>/dev/null | grep -q 'dynamically linked' || return 0
	ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
}

# Install PROG into DIR of the image, with its libraries at their host paths.
install_prog() { # DIR PROG
	local lib
	install -m 0755 "$2" "$stage/$1/"
	while read -r lib; do
		[ -n "$lib" ] || continue
		mkdir -p "$stage$(dirname "$lib")"
		[ -e "$stage$lib" ] || cp -L "$lib" "$stage$lib"
	done < <(shared_libs "$2")
}

populate_busybox "$stage"
case "$kind" in
busybox) ;;
tests) mkdir -p "$stage/tests"; for p in "$@"; do install_prog tests "$p"; done ;;
extra)
	[ $# -ge 1 ] || die "extra needs a directory"
	dir=$1; shift
	mkdir -p "$stage/$dir"
	for p in "$@"; do install_prog "$dir" "$p"; done
	;;
*) die "unknown kind '$kind'" ;;
esac

case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
tmp="$out.tmp.$$"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0 >"$tmp") ||
	{ rm -f "$tmp"; die "cpio failed"; }
mv "$tmp" "$out"
