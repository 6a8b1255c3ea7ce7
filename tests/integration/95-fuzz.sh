# The generic netlink fuzzer (tests/fuzz) and a 64-client stress run against the real
# module.  Bounded here (VMON_FUZZ_MESSAGES, default 20000, at most VMON_FUZZ_SECONDS);
# `make fuzz` runs a million messages on the debug kernel.  Any kernel report (KASAN,
# lockdep, UBSAN, RCU, WARN, BUG) fails, and so does anything the unprivileged half got
# that it should not have.

. "$REPO/tests/integration/targets.sh"

FUZZ=$BUILD/vmon-fuzz
FUZZ_SECONDS=${VMON_FUZZ_SECONDS:-240}
TIMEOUT_test_fuzz=$((FUZZ_SECONDS + 180))
TIMEOUT_test_stress_64_clients=240
KERNEL_REPORTS='BUG:|WARNING:|Oops|general protection|KASAN|UBSAN|kmemleak: [0-9]+ new suspected memory leak|RCU stall|rcu: .*stall|hung_task|blocked for more than|ODEBUG|possible circular|suspicious RCU|sleeping function called'

kernel_reports() {
	dmesg | grep -E "$KERNEL_REPORTS"
}

# Wait until the module holds no watch (owners' sockets are released asynchronously).
no_watches_left() {
	local line
	line=$("$VMON" config watches)
	[ "${line##* }" = 0 ]
}

# A fresh module: the fuzzer changed the configuration as root, on purpose.
reload_module() {
	rmmod vmon || fail "rmmod vmon after the fuzzer: $(lsmod | grep vmon)"
	insmod "$REPO/kmod/vmon.ko" || fail "insmod vmon.ko again"
}

test_fuzz() {
	local before after out
	before=$(kernel_reports | wc -l)
	run "$FUZZ" --messages "${VMON_FUZZ_MESSAGES:-20000}" --seconds "$FUZZ_SECONDS" ${VMON_FUZZ_SEED:+--seed "$VMON_FUZZ_SEED"}
	printf '%s\n' "$OUT" "$ERR"
	[ -n "${VMON_RESULTS:-}" ] && printf '%s\n%s\n' "$OUT" "$ERR" >"$VMON_RESULTS/fuzz.txt"
	assert_eq "$RC" 0 "vmon-fuzz exit status (stderr: $ERR)"
	assert_match "$OUT" '^fuzz root: sent [1-9]' "root's summary"
	assert_match "$OUT" '^fuzz nobody: sent [1-9][0-9]*, accepted [1-9][0-9]*, .*forbidden accepted 0$' "nobody's summary"
	assert_match "$OUT" "intact 4/4; config unchanged; .* ok\$" "the verdict"
	"$VMON" unwatch --all >/dev/null 2>&1
	_poll 60 no_watches_left || fail "watches left after the fuzzer: $("$VMON" list 2>&1 | head -n 5)"
	after=$(kernel_reports | wc -l)
	[ "$after" = "$before" ] || fail "kernel reports during the fuzzer: $(kernel_reports | tail -n +$((before + 1)) | head -n 5)"
	reload_module
}

test_stress_64_clients() {
	local before
	before=$(kernel_reports | wc -l)
	run "$FUZZ" --stress 64 --seconds 20
	printf '%s\n' "$OUT" "$ERR"
	assert_eq "$RC" 0 "vmon-fuzz --stress 64 (stderr: $ERR)"
	assert_match "$OUT" '^fuzz stress: sent [0-9]+, accepted [1-9][0-9]*, .*unanswered 0,' "stress summary"
	assert_match "$OUT" 'clients failed 0$' "every client finished"
	_poll 60 no_watches_left || fail "watches left after every client closed its socket: $("$VMON" config watches)"
	# Unloaded at the end, with the targets still forking and exiting a moment ago.
	reload_module
	[ "$(kernel_reports | wc -l)" = "$before" ] ||
		fail "kernel reports during the stress run: $(kernel_reports | tail -n +$((before + 1)) | head -n 5)"
}
