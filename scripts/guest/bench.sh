#!/bin/sh
# Runs inside the VM (scripts/vm/run) for scripts/bench: loads ucbridge.ko,
# lets it take 64 MiB structs, and runs the device benchmarks, which write
# /out/device.json.  Arguments are passed on to `ucbridge-bench device`
# (--smoke).
#
# Expects /lib/ucbridge/ucbridge.ko and /bin/ucbridge-bench; AF_ALG's hash
# interface (algif_hash) loaded by scripts/vm/run --kmod.  With
# /lib/ucbridge/patched/ucbridge_patched.ko (scripts/bench --patch), loads
# it too and measures /dev/ucbridge-patched beside /dev/ucbridge.
set -eu
insmod /lib/ucbridge/ucbridge.ko
echo 67108864 >/sys/class/ucbridge/reference/max_struct_size
patched=/lib/ucbridge/patched/ucbridge_patched.ko
if [ -f "$patched" ]; then
	insmod "$patched"
	echo 67108864 >/sys/module/ucbridge_patched/parameters/max_struct_size
	set -- "$@" --patched /dev/ucbridge-patched
fi
grep -E '^(name|driver|priority)' /proc/crypto | paste - - - | grep crc32c || true
ucbridge-bench device --out /out/device.json "$@"
