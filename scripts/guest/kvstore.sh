#!/bin/sh
# Runs inside the test VM (scripts/vm/run), after ucbridge.ko is loaded:
# the template driver, ucbridge_kvstore.ko, through the static ucb-kvstore.
# Loads the module, checks it, and unloads it (once with a client open).
# Results: /out/kvstore.tap, numbered, with its plan last.
#
# Expects /lib/ucbridge/ucbridge_kvstore.ko and /bin/ucb-kvstore.
set -u
module=/lib/ucbridge/ucbridge_kvstore.ko
tap=/out/kvstore.tap
tmp=/tmp/kvstore
n=0
mkdir -p /out "$tmp"
: >"$tap"

check() { # DESCRIPTION COMMAND...: one TAP line in kvstore.tap
	description=$1
	shift
	n=$((n + 1))
	# The command's own output goes to the console, not into the TAP.
	if "$@"; then result="ok"; else result="not ok"; fi
	echo "$result $n - $description" >>"$tap"
}

# fails_with IORETURN COMMAND...: the command exits 1 naming IORETURN.
fails_with() {
	expected=$1
	shift
	"$@" >/dev/null 2>"$tmp/err"
	status=$?
	cat "$tmp/err"
	[ "$status" -eq 1 ] && grep -q "$expected" "$tmp/err"
}

# output_is EXPECTED COMMAND...: the command succeeds printing EXPECTED.
output_is() {
	expected=$1
	shift
	"$@" >"$tmp/out" 2>&1 || { cat "$tmp/out"; return 1; }
	printf '%s\n' "$expected" | cmp -s - "$tmp/out" || { cat "$tmp/out"; return 1; }
}

echo "== the template driver, ucbridge_kvstore.ko"
check "insmod ucbridge_kvstore.ko" insmod "$module"
check "its node is /dev/ucbridge/kvstore, root only (0600)" \
	sh -c 'ls -l /dev/ucbridge/kvstore | grep -q "^crw------- "'
# On a real system the udev rule of scripts/install gives it to group
# ucbridge; this VM has no udev, and nobody's checks below need it open.
chmod 0666 /dev/ucbridge/kvstore
check "sysfs: driver_version 0.1.0, 6 methods" sh -c \
	'[ "$(cat /sys/class/ucbridge/kvstore/driver_version)" = 0.1.0 ] &&
	 [ "$(cat /sys/class/ucbridge/kvstore/method_count)" = 6 ]'

check "put, get, list, count in one connection" output_is "1
22
a
bb
2 entries, 6 bytes, quota 64" ucb-kvstore put a 1 put bb 22 get a get bb list count
check "a put replaces, a delete removes" output_is "new
bb
1 entries, 5 bytes, quota 64" \
	ucb-kvstore put a 1 put bb 22 put bb new get bb delete a list count
check "get of a missing key: kIOReturnNotFound" \
	fails_with kIOReturnNotFound ucb-kvstore put a 1 get b
check "delete of a missing key: kIOReturnNotFound" \
	fails_with kIOReturnNotFound ucb-kvstore delete a
check "each run is a new connection with a new, empty store" sh -c \
	'ucb-kvstore put a 1 && ucb-kvstore count | grep -qx "0 entries, 0 bytes, quota 64"'

key64=$(printf '%064d' 0)
value4096=$(printf '%04096d' 0)
check "a 64-byte key and a 4096-byte value are stored" \
	output_is "$value4096" ucb-kvstore put "$key64" "$value4096" get "$key64"
check "a 65-byte key: kIOReturnBadArgument" \
	fails_with kIOReturnBadArgument ucb-kvstore put "${key64}1" v
check "a 4097-byte value: kIOReturnBadArgument" \
	fails_with kIOReturnBadArgument ucb-kvstore put k "${value4096}1"
check "an empty key: kIOReturnBadArgument" \
	fails_with kIOReturnBadArgument ucb-kvstore put "" v

puts=""
i=0
while [ "$i" -lt 64 ]; do
	puts="$puts put k$i v"
	i=$((i + 1))
done
# shellcheck disable=SC2086 # the words of $puts are the commands
check "64 entries fit" output_is "64 entries, 246 bytes, quota 64" ucb-kvstore $puts count
# shellcheck disable=SC2086
check "the 65th entry: kIOReturnNoSpace" \
	fails_with kIOReturnNoSpace ucb-kvstore $puts put one-more v
# shellcheck disable=SC2086
check "root raises its own quota (setQuota)" output_is "65 entries, 255 bytes, quota 100" \
	ucb-kvstore quota 100 $puts put one-more v count

check "read-only type: put is kIOReturnNotPermitted" \
	fails_with kIOReturnNotPermitted ucb-kvstore --read-only put a 1
check "read-only type: delete is kIOReturnNotPermitted" \
	fails_with kIOReturnNotPermitted ucb-kvstore --read-only delete a
check "read-only type: count works" \
	output_is "0 entries, 0 bytes, quota 64" ucb-kvstore --read-only count
check "type 7 is refused with kIOReturnBadArgument" \
	fails_with kIOReturnBadArgument ucb-kvstore --type 7 count

check "nobody uses a store of its own" \
	su -s /bin/sh nobody -c 'ucb-kvstore put a 1 get a | grep -qx 1'
check "nobody: setQuota is kIOReturnNotPrivileged" \
	su -s /bin/sh nobody -c 'ucb-kvstore quota 100 2>&1 >/dev/null | grep -q kIOReturnNotPrivileged'

echo "== two processes at once"
ucb-kvstore put k first put only-first 1 sleep 20 get k list count >"$tmp/first" 2>&1 &
first=$!
sleep 4
check "the first process is still running" kill -0 "$first"
check "the second sees only its own keys" output_is "second
k
only-second
2 entries, 19 bytes, quota 64" \
	ucb-kvstore put k second put only-second 2 get k list count
wait "$first"
check "the first sees only its own keys" sh -c \
	"cat $tmp/first; printf 'first\nk\nonly-first\n2 entries, 17 bytes, quota 64\n' | cmp -s - $tmp/first"

echo "== unload with a client open"
ucb-kvstore put k v sleep 15 get k >"$tmp/open" 2>&1 &
open=$!
sleep 6
check "rmmod ucbridge_kvstore with a client open" rmmod ucbridge_kvstore
check "the node is gone" test ! -e /dev/ucbridge/kvstore
wait "$open"
status=$?
cat "$tmp/open"
check "the open client's next call fails with ENODEV (errno 19), and it exits" \
	sh -c "[ $status -eq 1 ] && grep -q 'errno 19' $tmp/open"
check "insmod again, a new store works" sh -c \
	"insmod $module && ucb-kvstore put a 1 get a | grep -qx 1"
check "rmmod ucbridge_kvstore" rmmod ucbridge_kvstore

echo "1..$n" >>"$tap"
cat "$tap"
exit 0
