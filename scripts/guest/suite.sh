#!/bin/sh
# Runs inside the test VM (scripts/vm/run): every test against the real
# modules, ucbridge.ko (the framework) and ucbridge_reference.ko (the
# reference driver, /dev/ucbridge/reference).  Results go to /out for
# scripts/test to count:
#
#   selftest.tap         the C selftest against the reference driver
#   selftest32.tap       the same built as a 32-bit program: the compat ioctl
#   break-<name>.tap     the C selftest against each test-only broken
#                        variant, which its safety check must catch
#   hostile.tap          racing callers on both CPUs, and load
#   hostile32.tap        the same from a 32-bit program, shorter
#   hostile-break-copy_once.tap   the races against the broken copy-once
#                        variant, every one of which must fail
#   swift-device.xml     the Swift suite against /dev/ucbridge/reference
#                        (JUnit XML)
#   conformance.tap, conformance-device.transcript
#                        the conformance corpus (scripts/guest/conformance.sh)
#   kvstore.tap          the template driver (scripts/guest/kvstore.sh)
#   guest.tap            checks made here: the broken variants mark
#                        themselves, the example app, ucprobe, its fuzz
#                        (1 000 000 calls) and rmmod afterwards
#
# Expects /lib/ucbridge/ucbridge.ko, /lib/ucbridge/ucbridge_reference.ko,
# /lib/ucbridge/ucbridge_break_<name>.ko,
# /bin/ucbridge_test, /bin/ucbridge_test32, /bin/ucbridge_hostile,
# /bin/ucbridge_hostile32, /bin/ucbridgePackageTests.xctest,
# /bin/ucb-pathinfo, /bin/ucprobe, /bin/ucb-conformance, /bin/conformance.sh,
# /lib/ucbridge/ucbridge_kvstore.ko, /bin/ucb-kvstore and /bin/kvstore.sh.
set -u
good=/lib/ucbridge/ucbridge.ko
reference=/lib/ucbridge/ucbridge_reference.ko
tap=/out/guest.tap

check() { # DESCRIPTION COMMAND...: one TAP line in guest.tap
	description=$1
	shift
	if "$@"; then echo "ok - $description"; else echo "not ok - $description"; fi >>"$tap"
}

# A module that marks itself a test build (MODULE_INFO(test, "Y")) sets
# TAINT_TEST, bit 18 of the taint mask.
test_tainted() {
	[ $(($(cat /proc/sys/kernel/tainted) >> 18 & 1)) -eq 1 ]
}

# Unload the reference driver, then whichever of ucbridge.ko and its broken
# variants is loaded.
unload() {
	for dir in /sys/module/ucbridge_reference /sys/module/ucbridge \
		/sys/module/ucbridge_break_*; do
		[ -d "$dir" ] && rmmod "${dir##*/}"
	done
}

not() { ! "$@"; }

# The drivers' nodes are root only (0600) as the kernel makes them; on a
# real system the udev rule of scripts/install gives them to group
# ucbridge.  This VM has no udev, and the tests that run as nobody
# (uid 65534) need them open to all: every load opens them so.
open_to_all() {
	chmod 0666 /dev/ucbridge/*
}

# load CORE: the framework (or a broken build of it), then the reference
# driver on it; whatever is loaded already stays.  Opens the nodes to all.
load() {
	core=${1##*/}
	[ -d "/sys/module/${core%.ko}" ] || insmod "$1" || return
	[ -d /sys/module/ucbridge_reference ] || insmod "$reference" || return
	open_to_all
}

insmod "$good" && insmod "$reference" || exit 1
check "/dev/ucbridge/reference is root only (0600) as the kernel makes it" \
	sh -c 'ls -l /dev/ucbridge/reference | grep -q "^crw------- "'
load "$good" || exit 1
check "ucbridge.ko is no test module: no TAINT_TEST once loaded" not test_tainted
check "ucbridge.ko loads without the test-only banner" \
	sh -c '! dmesg | grep -q "TEST-ONLY BROKEN BUILD"'

echo "== C selftest"
# It unloads the reference driver and, given UCBT_MODULE, loads it again.
UCBT_MODULE="$reference" ucbridge_test >/out/selftest.tap 2>&1
cat /out/selftest.tap

echo "== C selftest, 32-bit: the compat ioctl path"
load "$good" || exit 1
UCBT_MODULE="$reference" ucbridge_test32 >/out/selftest32.tap 2>&1
cat /out/selftest32.tap

# The reference driver loads on a broken framework as on the real one;
# the selftest is told the framework's module name.
for ko in /lib/ucbridge/ucbridge_break_*.ko; do
	[ -f "$ko" ] || continue
	module=${ko##*/}
	module=${module%.ko}
	variant=${module#ucbridge_break_}
	echo "== C selftest against $module (must fail)"
	unload
	load "$ko" || exit 1
	check "$module says at load that it is a test-only broken build" \
		sh -c "dmesg | grep -qF '$module: TEST-ONLY BROKEN BUILD ($variant): '"
	check "$module taints the kernel as a test module (TAINT_TEST)" test_tainted
	UCBT_CORE_MODULE=$module UCBT_MODULE="$reference" ucbridge_test \
		>"/out/break-$variant.tap" 2>&1
	grep '^not ok' "/out/break-$variant.tap"
	if [ "$variant" = copy_once ]; then
		echo "== hostile races against $module (must fail)"
		load "$ko" || exit 1
		ucbridge_hostile 400000 races >/out/hostile-break-copy_once.tap 2>&1
		grep '^not ok' /out/hostile-break-copy_once.tap
	fi
done
unload
load "$good" || exit 1

sh /bin/conformance.sh
sh /bin/kvstore.sh

echo "== hostile races and load"
ucbridge_hostile >/out/hostile.tap 2>&1
cat /out/hostile.tap

echo "== hostile races and load, 32-bit (a fifth of the calls)"
ucbridge_hostile32 20000 >/out/hostile32.tap 2>&1
cat /out/hostile32.tap

echo "== Swift suite against /dev/ucbridge/reference"
# UCBridgeTests holds the device tests; the rest of the bundle tests tools
# against the mock, which the host runs.  The template driver is loaded
# meanwhile, so that service discovery finds two drivers
# (Device/ServiceDeviceTests.swift); it goes again before ucprobe, whose
# default is then the only driver.
insmod /lib/ucbridge/ucbridge_kvstore.ko
open_to_all
UCBRIDGE_TEST_DEVICE=/dev/ucbridge/reference UCBRIDGE_TEST_SET_MAX=1 \
	ucbridgePackageTests.xctest --testing-library swift-testing \
	--filter 'UCBridgeTests\.' \
	--xunit-output /out/swift-device.xml >/out/swift-device.log 2>&1
tail -3 /out/swift-device.log
rmmod ucbridge_kvstore

echo "== the example app"
ucb-pathinfo /etc/passwd /no/such/file | tee /out/example.txt
expected="/etc/passwd: inode $(stat -c %i /etc/passwd), mode 0100$(stat -c %a /etc/passwd), $(stat -c %s /etc/passwd) bytes"
check "ucb-pathinfo finds /etc/passwd as stat(1) does" \
	grep -qxF "$expected" /out/example.txt
check "ucb-pathinfo reports a missing file as not found" \
	grep -qxF "/no/such/file: not found" /out/example.txt

echo "== ucprobe"
ucprobe list | tee /out/ucprobe-list.txt
check "ucprobe list shows the reference table" \
	grep -qE '^ +4 +pathInfo +0 +var≤4K +4 +0' /out/ucprobe-list.txt
ucprobe call pathInfo --string /etc/passwd | tee /out/ucprobe-call.txt
check "ucprobe call pathInfo finds /etc/passwd" \
	grep -qE "^  \[3\] +$(stat -c %s /etc/passwd) " /out/ucprobe-call.txt
check "ucprobe call add -s 1 exits 1 naming kIOReturnBadArgument" sh -c \
	'ucprobe call add -s 1 >/dev/null 2>/tmp/err; [ $? -eq 1 ] && grep -q kIOReturnBadArgument /tmp/err'

# Random calls of every kind, malformed ones included, each checked against
# the ABI; a fresh seed each run, printed for replay.  A small maximum keeps
# a million calls quick under emulation and puts every boundary in reach;
# a shorter run covers the default 1 MiB.
fuzz() { # CALLS MAX_STRUCT_SIZE
	echo "$2" >/sys/class/ucbridge/reference/max_struct_size
	ucprobe fuzz --iterations "$1" >/out/fuzz-$2.txt 2>/dev/null
	status=$?
	tail -2 /out/fuzz-$2.txt
	seed=$(sed -n 's/.*seed \([0-9]*\).*/\1/p' /out/fuzz-$2.txt | head -1)
	check "ucprobe fuzz: $1 calls at max_struct_size $2, seed $seed: no findings, no live buffers" \
		test "$status" -eq 0
}
fuzz 1000000 16384
fuzz 20000 1048576
check "rmmod after the fuzz" rmmod ucbridge_reference ucbridge
exit 0
