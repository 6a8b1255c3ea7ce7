# Cooldown: a condition that stays true gives one event per cooldown, counting what it held back.
. "$REPO/tests/integration/targets.sh"

# _events ARGS...: run "vmon watch ARGS..." on the current target (value true) to the
# end; the trigger lines are then in $TMP/ev, the mono_ns, hits, suppressed and seq
# fields in the arrays MONO HITS SUPP SEQ.
_events() {
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--interval 1ms --timeout 120s "$@"
	assert_eq "$RC" 0 "vmon watch $* exit status: $ERR"
	printf '%s\n' "$OUT" | grep '"trigger"' >"$TMP/ev"
	MONO=() HITS=() SUPP=() SEQ=() IDS=()
	local ev
	while read -r ev; do
		MONO+=("$(jget "$ev" mono_ns)")
		HITS+=("$(jget "$ev" hits)")
		SUPP+=("$(jget "$ev" suppressed)")
		SEQ+=("$(jget "$ev" seq)")
		IDS+=("$(jget "$ev" watch_id)")
	done <"$TMP/ev"
}

test_cooldown_spacing() {
	local i gap
	start_target
	tcmd "set 200"
	_events --cooldown 500ms --count 3
	assert_eq "${#MONO[@]}" 3 "events for --count 3"
	for i in 1 2; do
		gap=$((MONO[i] - MONO[i - 1]))
		[ "$gap" -ge 495000000 ] || fail "events $i and $((i + 1)) only $gap ns apart (cooldown 500ms)"
		[ "$gap" -lt 4500000000 ] || fail "events $i and $((i + 1)) $gap ns apart: --cooldown 500ms ignored?"
		assert_eq "${HITS[i]}" $((i + 1)) "hits of event $((i + 1))"
		[ "${SUPP[i]}" -gt 0 ] || fail "event $((i + 1)): suppressed ${SUPP[i]}, want > 0 (value true all along)"
		[ "${SEQ[i]}" -gt "${SEQ[i - 1]}" ] || fail "seq not increasing: ${SEQ[*]}"
		assert_eq "${IDS[i]}" "${IDS[0]}" "watch_id of event $((i + 1))"
	done
	assert_eq "${HITS[0]}" 1 "hits of the first event"
	assert_eq "${SUPP[0]}" 0 "suppressed of the first event"
}

# The default cooldown is 5 s.
test_default_cooldown() {
	local gap
	start_target
	tcmd "set 200"
	_events --count 2
	assert_eq "${#MONO[@]}" 2 "events for --count 2"
	gap=$((MONO[1] - MONO[0]))
	[ "$gap" -ge 4950000000 ] || fail "events $gap ns apart with the default cooldown (5 s)"
	[ "${SUPP[1]}" -gt 0 ] || fail "second event: suppressed ${SUPP[1]}, want > 0"
}

# Cooldown 0: an event for every check that holds (some may be coalesced).
test_cooldown_zero() {
	local i
	start_target
	tcmd "set 200"
	_events --cooldown 0s --count 50
	assert_eq "${#MONO[@]}" 50 "events for --count 50 with --cooldown 0s"
	for ((i = 1; i < 50; i++)); do
		[ "${HITS[i]}" -gt "${HITS[i - 1]}" ] || fail "hits not increasing: ${HITS[*]}"
		[ "${MONO[i]}" -gt "${MONO[i - 1]}" ] || fail "mono_ns not increasing at event $i"
		assert_eq "${SUPP[i]}" 0 "suppressed with cooldown 0 (event $i)"
	done
}

# The cooldown holds back only while the condition keeps holding: the value going false
# and true again within the cooldown gives no extra event.
test_cooldown_across_false() {
	local w
	start_target
	tcmd "set 200"
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--interval 1ms --cooldown 30s --timeout 120s
	wait_triggers 20 "$TMP/w" 1
	tcmd "set 0"
	sleep 0.2
	tcmd "set 300"
	sleep 1
	assert_eq "$(count_triggers "$TMP/w")" 1 "events within the 30 s cooldown"
	w=$(triggers "$TMP/w")
	assert_field "$w" value 200
	assert_field "$w" hits 1
}
