#!/bin/sh
# Runs inside the test VM (scripts/vm/run): the C selftest against the real
# module, then against each test-only broken variant (positive controls).
#
# Expects /lib/ucbridge/ucbridge.ko, /lib/ucbridge/break-<name>/ucbridge.ko
# and /bin/ucbridge_test.  Writes one TAP file per run to /out and leaves the
# real module loaded.
set -u
good=/lib/ucbridge/ucbridge.ko

insmod "$good" || exit 1
# The selftest unloads the module and, given UCBT_MODULE, loads it again.
UCBT_MODULE="$good" ucbridge_test >/out/selftest.tap 2>&1
echo "selftest exited with $?"
cat /out/selftest.tap

for dir in /lib/ucbridge/break-*; do
	[ -d "$dir" ] || continue
	name=${dir##*/}
	rmmod ucbridge 2>/dev/null
	insmod "$dir/ucbridge.ko" || exit 1
	ucbridge_test >"/out/$name.tap" 2>&1
	echo "$name: selftest exited with $? (expected to fail)"
	grep '^not ok' "/out/$name.tap"
done

[ -d /sys/module/ucbridge ] || insmod "$good" || exit 1
exit 0
