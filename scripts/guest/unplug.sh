#!/bin/sh
# Runs inside the test VM (scripts/vm/run), with ucbridge.ko loaded by the
# caller or from /lib/ucbridge/ucbridge.ko: the hot-unplug test, a driver unregistered while its
# clients are open and calls are in flight (kmod/selftests/ucbridge_unplug.c).
# Boot the VM with --append "slub_debug=FZP panic_on_warn=1" so that a use
# after free or a warning fails the run.
#
#   sh unplug.sh [ROUNDS [THREADS]]     (default 50 rounds, 4 threads)
#
# Loads /lib/ucbridge/ucbridge_unplug_test.ko, runs /bin/ucbridge_unplug
# (which unloads that module itself at the end, with a descriptor open) and
# makes sure the module is gone afterwards; ucbridge.ko stays loaded.
# Results go to /out/unplug.tap.  Exit status: the test's (0 when every
# check passed), 1 when it could not run.
set -u
module=/lib/ucbridge/ucbridge_unplug_test.ko
tap=/out/unplug.tap
mkdir -p /out

if [ ! -d /sys/module/ucbridge ] && ! insmod /lib/ucbridge/ucbridge.ko; then
	echo "Bail out! ucbridge.ko is not loaded and cannot be" >"$tap"
	cat "$tap"
	exit 1
fi
if ! insmod "$module"; then
	echo "Bail out! insmod $module failed" >"$tap"
	cat "$tap"
	exit 1
fi

echo "== hot unplug: unregister with clients open and calls in flight"
echo "kernel $(uname -r), $(nproc) CPUs, command line: $(cat /proc/cmdline)"
ucbridge_unplug "$@" >"$tap" 2>&1
status=$?
grep -v '^# round ' "$tap"

if [ -d /sys/module/ucbridge_unplug_test ]; then
	rmmod ucbridge_unplug_test || status=1
fi
[ -d /sys/module/ucbridge ] || status=1
exit $status
