#!/bin/bash
# Runs inside the Debian 12 VM of scripts/vm/boot-rootfs, as root, once per
# boot (BOOT = $1): scripts/install as a user would run it, on a system with
# systemd and udev. The payload's repo/ holds scripts/install, kmod/ and a
# built .build-static/release/ucprobe; results go to out/install.tap, and
# each step's output to out/.
#
#   boot 1: scripts/install, twice; the modules are loaded and installed by
#           DKMS; the nodes are root:ucbridge 0660, tagged uaccess; a user
#           in the group calls, one outside it gets EACCES and the hint;
#           then reboot (status 100)
#   boot 2: the modules loaded at boot, the nodes again; then
#           scripts/install --uninstall leaves nothing behind
set -u
boot=${1:?boot number}
here=$(pwd)
repo=$here/repo
tap=$here/out/install.tap
release=$(uname -r)
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

check() { # DESCRIPTION COMMAND...: one TAP line
	local description=$1
	shift
	if "$@"; then
		echo "ok - boot $boot: $description" | tee -a "$tap"
	else
		echo "not ok - boot $boot: $description" | tee -a "$tap"
	fi
}
not() { ! "$@"; }

node_is() { # NODE "GROUP MODE"
	[ "$(stat -c '%G %a' "$1" 2>/dev/null)" = "$2" ]
}
loaded() { # MODULE...
	local m
	for m; do [ -d "/sys/module/$m" ] || return 1; done
}
as() { # USER COMMAND...: with that user's groups, as a login would give
	runuser -u "$1" -- "${@:2}"
}
add_is_5() { # USER
	as "$1" ucprobe call add -s 2 -s 3 2>&1 | tee "$here/out/add-$1-$boot.txt" |
		grep -qE '^  \[0\] +5 '
}

nodes_checks() {
	local node
	for node in /dev/ucbridge/reference /dev/ucbridge/kvstore; do
		check "$node is root:ucbridge, mode 0660" node_is "$node" "ucbridge 660"
		check "$node is tagged uaccess (the desktop user's ACL)" \
			sh -c "udevadm info '$node' | grep -q 'uaccess'"
	done
	check "alice (group ucbridge) calls add: 2 + 3 = 5" add_is_5 alice
	as bob ucprobe call add -s 2 -s 3 >"$here/out/add-bob-$boot.txt" 2>&1
	check "bob (not in the group) is refused with status 1" test $? -eq 1
	check "bob: ucprobe says EACCES" grep -q 'EACCES\|ermission denied' "$here/out/add-bob-$boot.txt"
	check "bob: ucprobe's hint names group ucbridge" \
		grep -q '^ucprobe: hint: .*group ucbridge' "$here/out/add-bob-$boot.txt"
}

# refuses KEY DESCRIPTION FILE CONTENT PATTERN: with FILE replaced by
# CONTENT (in a mount namespace of its own), scripts/install fails with
# status 1, changing nothing, and says PATTERN.
refuses() {
	local log="$here/out/refuse-$1.log"
	printf '%s\n' "$4" >"/tmp/refuse-$1"
	unshare -m sh -c "mount --bind /tmp/refuse-$1 $3 && exec $repo/scripts/install" >"$log" 2>&1
	check "scripts/install refuses $2 (status 1)" test $? -eq 1
	check "scripts/install refusing $2 says what to do" grep -q "$5" "$log"
	check "scripts/install refusing $2 installs nothing" sh -c \
		'! command -v dkms >/dev/null || test -z "$(dkms status 2>&1)"'
}

case "$boot" in
1)
	refuses os "a non-Debian system" /etc/os-release 'ID=fedora' 'Supported: Debian 12'
	refuses nomodules "a kernel with module loading disabled" \
		/proc/sys/kernel/modules_disabled 1 'reboot, and run this again'
	echo "# $(date -u +%T) boot 1: scripts/install on $release"
	start=$(date +%s)
	"$repo/scripts/install" >"$here/out/install-1.log" 2>&1
	status=$?
	echo "# scripts/install took $(($(date +%s) - start))s" | tee -a "$tap"
	check "scripts/install succeeds" test "$status" -eq 0
	start=$(date +%s)
	"$repo/scripts/install" >"$here/out/install-2.log" 2>&1
	status=$?
	echo "# scripts/install again took $(($(date +%s) - start))s" | tee -a "$tap"
	check "scripts/install again succeeds" test "$status" -eq 0
	check "scripts/install again builds nothing" not grep -q 'building ucbridge' "$here/out/install-2.log"
	check "ucbridge, ucbridge_reference and ucbridge_kvstore are loaded" \
		loaded ucbridge ucbridge_reference ucbridge_kvstore
	dkms status >"$here/out/dkms-status-1.txt" 2>&1
	check "dkms status: ucbridge installed for $release" sh -c \
		"grep '^ucbridge/' '$here/out/dkms-status-1.txt' | grep -F ', $release, ' | grep -q ': installed$'"
	check "the modules come from DKMS (updates/dkms)" sh -c \
		"modinfo -n ucbridge_reference | grep -q /updates/dkms/ && modinfo -n ucbridge | grep -q /updates/dkms/"
	check "the test-only module is not installed" \
		not sh -c "find /lib/modules/$release -name 'ucbridge_unplug_test*' | grep -q ."
	check "DKMS would build for new kernels (AUTOINSTALL)" \
		grep -q '^AUTOINSTALL="yes"' /usr/src/ucbridge-*/dkms.conf
	check "the udev rule is installed" test -f /etc/udev/rules.d/70-ucbridge.rules
	check "the modules-load.d entry is installed" test -f /etc/modules-load.d/ucbridge.conf
	check "ucprobe is installed in /usr/local/bin" test -x /usr/local/bin/ucprobe
	usermod -aG ucbridge alice
	nodes_checks
	exit 100 # reboot
	;;
2)
	echo "# $(date -u +%T) boot 2: after a reboot"
	check "the modules were loaded at boot" \
		loaded ucbridge ucbridge_reference ucbridge_kvstore
	journalctl -b --no-pager >"$here/out/journal-2.txt" 2>&1
	for m in ucbridge ucbridge_reference ucbridge_kvstore; do
		check "systemd-modules-load inserted $m at boot" \
			grep -qE "systemd-modules-load\[[0-9]+\]: Inserted module '$m'" "$here/out/journal-2.txt"
	done
	nodes_checks
	"$repo/scripts/install" --uninstall >"$here/out/uninstall.log" 2>&1
	check "scripts/install --uninstall succeeds" test $? -eq 0
	dkms status >"$here/out/dkms-status-2.txt" 2>&1
	check "dkms status is empty" test ! -s "$here/out/dkms-status-2.txt"
	check "no ucbridge module is loaded" not sh -c 'ls -d /sys/module/ucbridge* 2>/dev/null | grep -q .'
	check "no ucbridge module is left in /lib/modules" \
		not sh -c "find /lib/modules -name 'ucbridge*' | grep -q ."
	check "no source is left in /usr/src" not sh -c 'ls -d /usr/src/ucbridge* 2>/dev/null | grep -q .'
	check "the udev rule is gone" test ! -e /etc/udev/rules.d/70-ucbridge.rules
	check "the modules-load.d entry is gone" test ! -e /etc/modules-load.d/ucbridge.conf
	check "ucprobe is gone" test ! -e /usr/local/bin/ucprobe
	check "group ucbridge is gone" not getent group ucbridge
	"$repo/scripts/install" --uninstall >"$here/out/uninstall-2.log" 2>&1
	check "scripts/install --uninstall again succeeds" test $? -eq 0
	echo "1..$(grep -c '^\(not \)\{0,1\}ok ' "$tap")" >>"$tap"
	! grep -q '^not ok' "$tap"
	;;
*)
	echo "unexpected boot $boot" | tee -a "$tap"
	exit 1
	;;
esac
