#!/bin/sh
# Runs inside the test VM (scripts/vm/run), with ucbridge.ko and
# ucbridge_reference.ko already loaded by the caller: the conformance corpus
# against the real /dev/ucbridge/reference, for
# scripts/conformance-diff to compare with the mock's transcript on the host.
# Results go to /out:
#
#   conformance.tap                 TAP from ucb-conformance, one line per case
#   conformance-device.transcript   the kernel's transcript
#   conformance.log                 ucb-conformance's standard error
#
# Expects /bin/ucb-conformance. The runner runs as root: it resets the
# counters, sets the driver's max_struct_size in sysfs (and restores it), and
# runs the unprivileged cases in a copy of itself dropped to uid 65534.
# Exit status: ucb-conformance's (0 when every case kept its expectation).
set -u
mkdir -p /out
if [ ! -c /dev/ucbridge/reference ]; then
	echo "conformance: no /dev/ucbridge/reference; load ucbridge.ko and ucbridge_reference.ko first" >&2
	exit 2
fi
echo "== conformance corpus against /dev/ucbridge/reference"
ucb-conformance --device /dev/ucbridge/reference \
	--transcript /out/conformance-device.transcript \
	>/out/conformance.tap 2>/out/conformance.log
status=$?
grep -A4 '^not ok' /out/conformance.tap
tail -1 /out/conformance.tap
cat /out/conformance.log
exit $status
