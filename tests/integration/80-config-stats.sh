# Configuration keys (defaults, changes, refusals) and per-interval statistics.
. "$REPO/tests/integration/targets.sh"

test_config_defaults() {
	local key
	run "$VMON" config
	assert_eq "$RC" 0 "vmon config: $ERR"
	for key in default_interval min_interval default_cooldown max_watches watches; do
		assert_match "$OUT" "$key" "vmon config"
	done
	cfg default_interval
	assert_eq "$CFG_NS" 1000000 "default_interval ($CFG)"
	cfg min_interval
	assert_eq "$CFG_NS" 10000 "min_interval ($CFG)"
	cfg default_cooldown
	assert_eq "$CFG_NS" 5000000000 "default_cooldown ($CFG)"
	cfg max_watches
	assert_eq "$CFG" 65536 "max_watches"
	cfg watches
	assert_match "$CFG" '^[0-9]+$' "watches"
}

# "watches" counts the watches there are.
test_config_watches_counts() {
	local n
	start_target
	cfg watches
	n=$CFG
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150
	on_exit "'$VMON' unwatch $WID"
	cfg watches
	assert_eq "$CFG" $((n + 1)) "watches after adding one"
	run "$VMON" unwatch "$WID"
	cfg watches
	assert_eq "$CFG" "$n" "watches after removing it"
}

test_config_default_interval() {
	start_target
	cfg_set_restore default_interval 3ms
	cfg default_interval
	assert_eq "$CFG_NS" 3000000 "default_interval after setting 3ms ($CFG)"
	# Intervals come in a 1-2-5 series: a watch polls at 3 ms rounded down.
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150
	on_exit "'$VMON' unwatch $WID"
	assert_field "$(list_line "$WID")" interval_ns 2000000
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --interval 50ms
	on_exit "'$VMON' unwatch $WID"
	assert_field "$(list_line "$WID")" interval_ns 50000000
}

test_config_default_cooldown() {
	local m1 m2
	start_target
	cfg_set_restore default_cooldown 250ms
	cfg default_cooldown
	assert_eq "$CFG_NS" 250000000 "default_cooldown after setting 250ms ($CFG)"
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150
	on_exit "'$VMON' unwatch $WID"
	assert_field "$(list_line "$WID")" cooldown_ns 250000000
	tcmd "set 151"
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json --count 2 \
		--interval 1ms --timeout 60s
	assert_eq "$RC" 0 "vmon watch: $ERR"
	printf '%s\n' "$OUT" >"$TMP/ev"
	assert_eq "$(count_triggers "$TMP/ev")" 2 "events"
	m1=$(jget "$(triggers "$TMP/ev" | sed -n 1p)" mono_ns)
	m2=$(jget "$(triggers "$TMP/ev" | sed -n 2p)" mono_ns)
	[ $((m2 - m1)) -ge 245000000 ] || fail "events $((m2 - m1)) ns apart with a 250 ms default cooldown"
	[ $((m2 - m1)) -lt 4500000000 ] || fail "events $((m2 - m1)) ns apart: default_cooldown 250ms ignored?"
}

test_config_max_watches() {
	cfg_set_restore max_watches 12345
	cfg max_watches
	assert_eq "$CFG" 12345 "max_watches after setting it"
}

# Refused values leave the configuration as it was.
test_config_bad_values() {
	local before
	# cpu and check_cost are estimates that move on their own.
	run "$VMON" config
	before=$(grep -Ev '^(cpu|check_cost) ' <<<"$OUT")
	run "$VMON" config min_interval 0
	[[ $RC =~ ^[12]$ ]] || fail "config min_interval 0: exit $RC: $ERR"
	assert_match "$ERR" 'interval' "message for min_interval 0"
	run "$VMON" config default_interval 5us
	assert_eq "$RC" 1 "config default_interval 5us (below min_interval 10us): $ERR"
	assert_match "$ERR" 'minimum|min_interval|interval' "message for default_interval 5us"
	run "$VMON" config default_interval 7200s
	assert_eq "$RC" 1 "config default_interval 7200s (above 1 h): $ERR"
	run "$VMON" config watches 5
	[[ $RC =~ ^[12]$ ]] || fail "config watches 5: exit $RC: $ERR"
	assert_match "$ERR" 'read-only|read only|cannot be set|not settable' "message for setting watches"
	run "$VMON" config max_watches -1
	assert_eq "$RC" 2 "config max_watches -1: $ERR"
	run "$VMON" config max_watches lots
	assert_eq "$RC" 2 "config max_watches lots: $ERR"
	run "$VMON" config default_cooldown 1fortnight
	assert_eq "$RC" 2 "config default_cooldown 1fortnight: $ERR"
	run "$VMON" config nonsense 5
	assert_eq "$RC" 2 "config nonsense 5: $ERR"
	run "$VMON" config max_cpu 0
	assert_eq "$RC" 1 "config max_cpu 0: $ERR"
	assert_match "$ERR" 'max_cpu' "message for max_cpu 0"
	run "$VMON" config max_user_cpu 1001
	assert_eq "$RC" 1 "config max_user_cpu 1001: $ERR"
	run "$VMON" config max_user_watches 0
	assert_eq "$RC" 1 "config max_user_watches 0: $ERR"
	assert_match "$ERR" 'max_user_watches must be 1\.\.' "message for max_user_watches 0"
	run "$VMON" config min_user_interval 500ns
	assert_eq "$RC" 1 "config min_user_interval 500ns: $ERR"
	assert_match "$ERR" 'min_user_interval must be' "message for min_user_interval 500ns"
	run "$VMON" config cpu 5
	[[ $RC =~ ^[12]$ ]] || fail "config cpu 5: exit $RC: $ERR"
	run "$VMON" config
	assert_eq "$(grep -Ev '^(cpu|check_cost) ' <<<"$OUT")" "$before" "vmon config after refused changes"
}

# A group's counters move while it runs, and count the trigger and the event sent.
test_stats_counters() {
	local iv=20000000 s1 s2 g
	start_target
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--interval 20ms --cooldown 60s --timeout 100s
	_poll 20 eval '[ -n "$(stat_group "$("$VMON" stats --json)" $iv)" ]' ||
		fail "no 20 ms group in vmon stats --json: $("$VMON" stats --json)"
	s1=$(stat_group "$("$VMON" stats --json)" $iv)
	assert_field "$s1" watches 1
	assert_field "$s1" triggers 0
	assert_field "$s1" events_sent 0
	sleep 1.5
	s2=$(stat_group "$("$VMON" stats --json)" $iv)
	[ "$(jget "$s2" fires)" -gt "$(jget "$s1" fires)" ] || fail "fires did not grow: $s1 -> $s2"
	[ "$(jget "$s2" checks)" -gt "$(jget "$s1" checks)" ] || fail "checks did not grow: $s1 -> $s2"
	[ "$(jget "$s2" ns_total)" -gt 0 ] || fail "ns_total is 0: $s2"
	[ "$(jget "$s2" ns_max)" -gt 0 ] || fail "ns_max is 0: $s2"
	[ "$(jget "$s2" ns_max)" -le "$(jget "$s2" ns_total)" ] || fail "ns_max > ns_total: $s2"

	tcmd "set 151"
	wait_triggers 20 "$TMP/w" 1
	_poll 20 eval '[ "$(jget "$(stat_group "$("$VMON" stats --json)" $iv)" events_sent)" -ge 1 ]' ||
		fail "events_sent did not count the event: $(stat_group "$("$VMON" stats --json)" $iv)"
	# The value stays true: later checks count as triggers, held back by the cooldown.
	_poll 20 eval '[ "$(jget "$(stat_group "$("$VMON" stats --json)" $iv)" triggers)" -ge 3 ]' ||
		fail "triggers did not count the held-back checks: $(stat_group "$("$VMON" stats --json)" $iv)"
	g=$(stat_group "$("$VMON" stats --json)" $iv)
	assert_field "$g" events_sent 1
	assert_field "$g" events_dropped 0
	assert_field "$("$VMON" list --json --pid "$T_PID")" hits 1
	assert_eq "$(count_triggers "$TMP/w")" 1 "events within the 60 s cooldown"
}

# An interval group goes away with its last watch.
test_stats_group_reaped() {
	local iv=50000000
	start_target
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --interval 50ms
	on_exit "'$VMON' unwatch $WID"
	_poll 20 eval '[ -n "$(stat_group "$("$VMON" stats --json)" $iv)" ]' ||
		fail "no 50 ms group in vmon stats --json"
	run "$VMON" stats
	assert_eq "$RC" 0 "vmon stats: $ERR"
	assert_match "$OUT" '50 ?ms|50000000|50\.0+ ?ms' "vmon stats (text) with a 50 ms group"
	run "$VMON" unwatch "$WID"
	_poll 20 eval '[ -z "$(stat_group "$("$VMON" stats --json)" $iv)" ]' ||
		fail "the 50 ms group outlived its last watch: $("$VMON" stats --json)"
}
