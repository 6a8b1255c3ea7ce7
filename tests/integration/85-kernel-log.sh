# The kernel log line per trigger, and the log_triggers parameter that turns it on.
. "$REPO/tests/integration/targets.sh"

# Off by default (a watch's name is its creator's, maybe an unprivileged user's);
# with log_triggers=Y a trigger prints one "vmon: watch ID ..." line, and N silences it.
test_trigger_kernel_log_line() {
	local param=/sys/module/vmon/parameters/log_triggers id before
	[ -w "$param" ] || fail "$param is missing"
	assert_eq "$(cat "$param")" N "log_triggers as loaded"
	on_exit "echo N > $param"
	echo Y >"$param"
	# The line is rate-limited (printk's default: 10 per 5 s); earlier tests'
	# triggers must not use up this test's share.
	sleep 5.5
	start_target
	tcmd "set 7"

	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --eq 7 --name logged \
		--json --count 1 --interval 1ms --timeout 30s
	assert_eq "$RC" 0 "exit status of the logged watch"
	id=$(jget "$OUT" watch_id)
	assert_match "$(dmesg)" "vmon: watch $id \"logged\" pid $T_PID $T_ADDR: 7 == 7\$" \
		"kernel log line of watch $id"

	echo N >"$param"
	before=$(dmesg | grep -c 'vmon: watch ')
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --eq 7 --name quiet \
		--json --count 1 --interval 1ms --timeout 30s
	assert_eq "$RC" 0 "exit status of the quiet watch"
	assert_eq "$(jget "$OUT" value)" 7 "the quiet watch's event"
	assert_eq "$(dmesg | grep -c 'vmon: watch ')" "$before" "kernel log lines with log_triggers=N"
}
