# Unloading vmon.ko with watches and a listener alive, then loading it again (runs last).
. "$REPO/tests/integration/targets.sh"

test_unload_and_reload() {
	local ko=$REPO/kmod/vmon.ko sentinel quiet l params= listening
	[ -r "$ko" ] || fail "no $ko"
	grep -q '^vmon ' /proc/modules || fail "vmon is not loaded"
	# Load it again as it was loaded.
	[ -r /sys/module/vmon/parameters/log_triggers ] &&
		params="log_triggers=$(cat /sys/module/vmon/parameters/log_triggers)"
	on_exit "grep -q '^vmon ' /proc/modules || insmod '$ko' $params"

	start_target
	tcmd "set 151"
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --cooldown 100ms --interval 1ms
	sentinel=$WID
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1000 --interval 2ms
	quiet=$WID
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 8 --gt 1000 --json --interval 1ms
	# A listener too, where the kernel lets the module have an events group.
	listening=
	if have_events_group; then
		listening=1
		"$VMON" listen --json >"$TMP/l" 2>"$TMP/l.err" &
		l=$!
		on_exit "kill $l 2>/dev/null"
		wait_triggers 30 "$TMP/l" 1	# the listener is subscribed
	fi
	_poll 20 eval '[ "$("$VMON" list --json --pid "$T_PID" | wc -l)" = 3 ]' ||
		fail "3 watches never listed: $("$VMON" list --json --pid "$T_PID")"

	run rmmod vmon
	assert_eq "$RC" 0 "rmmod vmon with live watches and a listener: $OUT $ERR"
	grep -q '^vmon ' /proc/modules && fail "vmon still in /proc/modules after rmmod"

	# Every watch leaves with "unload": to its owner and to the listener.
	wait_gone 20 "$TMP/w"
	assert_field "$GONE" reason unload
	wait_exit 20 "$W_PID"
	assert_eq "$RC" 0 "vmon watch exit status after the module went away"
	if [ -n "$listening" ]; then
		wait_gone 20 "$TMP/l" "$quiet"
		assert_field "$GONE" reason unload
		wait_gone 20 "$TMP/l" "$sentinel"
		assert_field "$GONE" reason unload
	fi

	run "$VMON" list
	assert_eq "$RC" 3 "vmon list without the module: $OUT $ERR"
	assert_match "$ERR" 'modprobe|insmod|load' "message of vmon list without the module"
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --timeout 1s
	assert_eq "$RC" 3 "vmon watch without the module: $ERR"
	run "$VMON" config
	assert_eq "$RC" 3 "vmon config without the module: $ERR"

	run insmod "$ko" ${params:+"$params"}
	assert_eq "$RC" 0 "insmod $ko: $ERR"
	run "$VMON" list --json
	assert_eq "$RC" 0 "vmon list after reloading: $ERR"
	assert_eq "$OUT" "" "watches after reloading"
	cfg watches
	assert_eq "$CFG" 0 "vmon config watches after reloading"
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json --count 1 \
		--interval 1ms --timeout 30s
	assert_eq "$RC" 0 "vmon watch after reloading: $ERR"
	assert_field "$(triggers <(printf '%s\n' "$OUT"))" value 151
}
