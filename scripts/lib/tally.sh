# shellcheck shell=bash
# Counting checks for scripts/test: every check is one TAP line on stdout,
# and finish() prints the final "N passed, N failed".

passed=0
failed=0

step() {
	printf '\n# == %s\n' "$*"
}

pass() {
	passed=$((passed + 1))
	printf 'ok - %s\n' "$*"
}

fail() {
	failed=$((failed + 1))
	printf 'not ok - %s\n' "$*"
}

# count_tap FILE LABEL [--no-plan]: add FILE's TAP results; unless told
# otherwise, a missing plan (the producer died early) is a failure.
count_tap() {
	local file="$1" label="$2" plan="${3:-}" ok notok
	if [[ ! -s "$file" ]]; then
		fail "$label: no TAP output in $file"
		return
	fi
	ok=$(grep -c '^ok ' "$file")
	notok=$(grep -c '^not ok ' "$file")
	# Labels may hold a slash: prefix with printf, not a sed expression.
	grep '^not ok ' "$file" | while IFS= read -r line; do
		printf '# %s: %s\n' "$label" "$line"
	done
	passed=$((passed + ok))
	failed=$((failed + notok))
	printf '# %s: %d passed, %d failed\n' "$label" "$ok" "$notok"
	[[ "$plan" == --no-plan ]] || grep -q '^1\.\.[0-9]' "$file" ||
		fail "$label: TAP plan missing (crashed?)"
}

# The positive controls (DEVELOPERS.md rule 5): against a broken variant,
# the safety check guarding that property must fail.
declare -A caught_by=(
	[copy_once]='^not ok [0-9]+ - copy-once: '
	[zeroing]='^not ok [0-9]+ - no infoleak: '
	[free]='^not ok [0-9]+ - no live buffers '
	[cache]='^not ok [0-9]+ - bounded memory: '
	[shared_live]='^not ok [0-9]+ - shared memory: snapshot '
	[async_bound]='^not ok [0-9]+ - async bound: '
)

# The hostile tests' copy-once races, each of which the broken copy-once
# variant must fail.
hostile_races=(
	'copy-once: struct input of 8193 bytes'
	'copy-once: struct input of 65536 bytes'
	'copy-once: batched struct input of 16384 bytes'
	'copy-once: header struct_in_size'
	'copy-once: scalar array'
)

# expect_races_caught FILE LABEL: every race fails against the broken core
expect_races_caught() {
	local file="$1" label="$2" race
	for race in "${hostile_races[@]}"; do
		if [[ -s "$file" ]] && grep -q "^not ok [0-9]* - $race" "$file"; then
			pass "$label: the broken copy-once variant fails '$race'"
		else
			fail "$label: the broken copy-once variant passes '$race'"
		fi
	done
}

# expect_caught FILE VARIANT LABEL
expect_caught() {
	local file="$1" variant="$2" label="$3"
	if [[ -s "$file" ]] && grep -Eq "${caught_by[$variant]}" "$file"; then
		pass "$label: the selftest catches the broken '$variant' variant"
	else
		fail "$label: the selftest does not catch the broken '$variant' variant"
	fi
}

# count_xunit FILE LABEL LOG: add the test cases of a JUnit XML report;
# skipped cases count neither way.
count_xunit() {
	local file="$1" label="$2" log="$3" cases failures skipped
	if [[ ! -s "$file" ]]; then
		tail -40 "$log"
		fail "$label: no test report"
		return
	fi
	cases=$(grep -o '<testcase ' "$file" | wc -l)
	failures=$(grep -o '<failure' "$file" | wc -l)
	skipped=$(grep -o '<skipped' "$file" | wc -l)
	if ((failures)); then
		grep -B1 '<failure' "$file" | grep -o 'name="[^"]*"' |
			sed "s/^/# $label failed: /"
	fi
	passed=$((passed + cases - failures - skipped))
	failed=$((failed + failures))
	printf '# %s: %d passed, %d failed, %d skipped\n' "$label" \
		"$((cases - failures - skipped))" "$failures" "$skipped"
	((cases)) || fail "$label: no test cases ran"
}

finish() {
	echo
	printf '%d passed, %d failed\n' "$passed" "$failed"
	((failed == 0))
	exit
}
