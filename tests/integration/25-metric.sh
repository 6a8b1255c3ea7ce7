# Kernel-metric watches: the load averages, running and uninterruptible tasks, with a
# report of every R and D task when they cross a threshold.
. "$REPO/tests/integration/targets.sh"

TIMEOUT_test_loadavg_crosses_threshold=150

# On a kernel built with IBT (Debian's 6.12) vmon.ko calls no unexported function, and
# the running and uninterruptible counts have no exported source: those metrics are
# refused with the reason (test_metrics_without_ibt_route checks the message).
IBT_METRIC_RE='is not exported and this kernel has IBT|are not exported and this kernel has IBT'
_metric_refused_ibt() {
	local err
	err=$("$VMON" watch "--$1" --gt 100000 --scope none --timeout 1ms 2>&1 >/dev/null) && return 1
	grep -qE "$IBT_METRIC_RE" <<<"$err"
}
need_metric() {
	! _metric_refused_ibt "$1" ||
		skip "this kernel has IBT: the $1 metric needs an unexported kernel function and is refused (test_metrics_without_ibt_route)"
}

# busy N: start N busy loops (stopped at test exit), spinning; their pids in BUSY[].
busy() {
	local i
	BUSY=()
	for ((i = 0; i < $1; i++)); do
		bg bash -c 'while :; do :; done'
		BUSY+=("$BG_PID")
		_poll 20 _state_is "$BG_PID" R || fail "busy loop $BG_PID never ran"
	done
}

# blocked N: start N vfork parents, each in uninterruptible sleep; their pids in BLOCKED[].
blocked() {
	local i pid
	BLOCKED=()
	for ((i = 0; i < $1; i++)); do
		bg "$BUILD/vmon-vfork" 60 >"$TMP/vfork$i"
		wait_file_match 20 "$TMP/vfork$i" '^pid='
		pid=$(sed -n 's/^pid=//p' "$TMP/vfork$i")
		_poll 20 _state_is "$pid" D || fail "vmon-vfork $pid never blocked in D state"
		BLOCKED+=("$pid")
	done
}

# metric_report OUT ARGS...: vmon watch ARGS --json --count 1; the trigger line in $EV.
metric_report() {
	local out=$1
	shift
	start_watch "$out" "$@" --json --count 1 --timeout 100s
	wait_triggers 100 "$out" 1
	wait_exit 30 "$W_PID"
	assert_eq "$RC" 0 "vmon watch $*: $(cat "$out.err")"
	EV=$(triggers "$out")
}

# assert_task EV PID STATES WHAT: the report lists PID in one of STATES (a bracket
# expression). A busy loop is R, or D for an instant on PREEMPT_RT, where a task
# waiting for a sleeping spinlock (in an interrupt's aftermath, say) shows as D.
assert_task() {
	assert_match "$(jq -r '.tasks[] | "\(.pid) \(.state)"' <<<"$1")" "^$2 $3\$" "$4"
}

# loadavg1 in hundredths, from /proc/loadavg ("0.40 0.08 ...": 40).
loadavg1() {
	local l
	read -r l _ </proc/loadavg
	echo $((10#${l%.*} * 100 + 10#${l#*.}))
}

# loadavg1_sampler: print loadavg1 every 0.1 s. The kernel updates the figure every
# 5 s, so the sampler sees every value it takes while it runs.
loadavg1_sampler() {
	while :; do
		loadavg1
		sleep 0.1
	done
}

test_running_reports_every_busy_task() {
	local pid
	need_metric running
	busy 3
	metric_report "$TMP/w" --running --ge 3
	assert_field "$EV" metric running
	assert_field "$EV" name running
	[ "$(jq '.value' <<<"$EV")" -ge 3 ] || fail "value below the threshold: $EV"
	for pid in "${BUSY[@]}"; do
		assert_task "$EV" "$pid" '[RD]' "busy loop $pid"
	done
	# Every captured task was running or blocked: the report is the load, not the system.
	assert_no_match "$(jq -r '.tasks[].state' <<<"$EV")" '^[^RD]' "task states"
	# ...without the kernel worker that took the snapshot (running because of it).
	assert_no_match "$(jq -r '.tasks[].kernel_stack[].symbol' <<<"$EV")" '^vmon_snapshot' \
		"the snapshot's own worker"
	assert_match "$(jq -r --argjson p "${BUSY[0]}" '.tasks[] | select(.pid == $p) | .comm' <<<"$EV")" \
		'bash' "the busy loop's command"
}

test_uninterruptible_reports_every_d_task() {
	local pid
	need_metric uninterruptible
	blocked 2
	metric_report "$TMP/w" --uninterruptible --ge 2
	assert_field "$EV" metric uninterruptible
	[ "$(jq '.value' <<<"$EV")" -ge 2 ] || fail "value below the threshold: $EV"
	for pid in "${BLOCKED[@]}"; do
		assert_task "$EV" "$pid" '[D]' "vfork parent $pid"
		assert_match "$(jq -r --argjson p "$pid" '.tasks[] | select(.pid == $p) | .kernel_stack[].symbol' <<<"$EV")" \
			'vfork' "the kernel stack of D task $pid"
	done
}

# The count follows the tasks: with none blocked the watch stays quiet.
test_uninterruptible_quiet_below_threshold() {
	need_metric uninterruptible
	blocked 1
	# Margin: short page-fault waits (the guest's root is 9p) are D tasks too.
	start_watch "$TMP/w" --uninterruptible --ge 5 --json --timeout 2s
	wait_exit 30 "$W_PID"
	assert_eq "$RC" 0 "vmon watch: $(cat "$TMP/w.err")"
	assert_eq "$(count_triggers "$TMP/w")" 0 "triggers with 1 of 5 blocked tasks"
}

# Busy loops drive the 1-minute load past a threshold just above where it is now.
test_loadavg_crosses_threshold() {
	local before t tdec v
	before=$(loadavg1)
	t=$((before + 20))
	tdec=$(printf '%d.%02d' $((t / 100)) $((t % 100)))
	busy 4
	bg loadavg1_sampler >"$TMP/loadavg1"
	metric_report "$TMP/w" --loadavg1 --gt "$tdec"
	sleep 0.3	# a sample after the event, too
	assert_field "$EV" metric loadavg1
	v=$(jget "$EV" value)
	[[ $v =~ ^[0-9]+\.[0-9][0-9]$ ]] || fail "value $v is not in two decimals: $EV"
	v=$((10#${v%.*} * 100 + 10#${v#*.}))
	[ "$v" -gt "$t" ] || fail "value $v (hundredths) not above the threshold $t: $EV"
	# The very figure /proc/loadavg showed, rounded the same way. (Not "at most the
	# figure afterwards": the load may fall while busy loops run, as D tasks end.)
	grep -qx "$v" "$TMP/loadavg1" ||
		fail "value $v (hundredths) never shown by /proc/loadavg, which read: $(sort -un "$TMP/loadavg1" | tr '\n' ' ')"
	assert_eq "$(jget "$EV" threshold)" "$tdec" "threshold"
	for pid in "${BUSY[@]}"; do
		assert_task "$EV" "$pid" '[RD]' "busy loop $pid"
	done
}

# Defaults of the load monitor: every 10 ms, quiet for 20 s, scope system.
test_metric_defaults_listed() {
	local l
	detach --loadavg15 --gt 50
	on_exit "'$VMON' unwatch $WID"
	l=$(list_line "$WID")
	assert_field "$l" metric loadavg15
	assert_field "$l" interval_ns 10000000
	assert_field "$l" cooldown_ns 20000000000
	assert_field "$l" scope system
	assert_field "$l" threshold 50.00
	assert_no_match "$l" '"pid"|"addr"' "a metric watch's list entry"
	run "$VMON" list
	assert_match "$OUT" "^ *$WID .*loadavg15" "vmon list row"
}

# No target process: the watch ends with its owner only.
test_metric_ends_with_its_owner() {
	local id
	start_watch "$TMP/w" --loadavg15 --gt 100000 --scope none
	_poll 20 _listed_metric loadavg15 || fail "the metric watch was never listed"
	kill -9 "$W_PID"
	wait "$W_PID" 2>/dev/null
	_poll 20 _not_listed_metric loadavg15 || fail "the metric watch outlived its owner"
}

# Where the kernel has IBT, the metrics without an exported source are refused with
# the reason, and nothing is left behind; elsewhere they are accepted.
test_metrics_without_ibt_route() {
	local m before
	before=$("$VMON" list --json)
	for m in running uninterruptible; do
		run "$VMON" watch "--$m" --gt 100000 --scope none --timeout 1ms
		if grep -q 'kernel built with IBT' <(dmesg); then
			assert_eq "$RC" 1 "--$m on an IBT kernel (stderr: $ERR)"
			assert_match "$ERR" "$IBT_METRIC_RE" "--$m on an IBT kernel"
		else
			assert_eq "$RC" 0 "--$m without IBT (stderr: $ERR)"
		fi
	done
	assert_eq "$("$VMON" list --json)" "$before" "watches after the refusals"
}

_listed_metric() {
	"$VMON" list --json 2>/dev/null | grep -q "\"metric\":\"$1\""
}

_not_listed_metric() {
	! _listed_metric "$1"
}

# Without CAP_SYS_ADMIN: no system snapshot, but scope none works (the load is public).
test_metric_unprivileged() {
	run as_nobody "$VMON" watch --loadavg1 --gt 100 --timeout 1s
	assert_eq "$RC" 1 "exit status"
	assert_match "$ERR" 'scope "system" needs CAP_SYS_ADMIN; a metric watch may use scope "none"' "message"
	run as_nobody "$VMON" watch --loadavg1 --gt 100 --scope none --timeout 1s
	assert_eq "$RC" 0 "scope none as nobody: $ERR"
}

test_metric_usage_errors() {
	local before
	before=$("$VMON" list --json)
	run "$VMON" watch --loadavg1 --pid 1 --gt 1
	assert_eq "$RC" 2 "--loadavg1 --pid"
	assert_match "$ERR" 'pid' "--loadavg1 --pid message"
	run "$VMON" watch --loadavg1 --running --gt 1
	assert_eq "$RC" 2 "two metrics"
	run "$VMON" watch --loadavg1 --gt 4.255
	assert_eq "$RC" 2 "three decimals"
	assert_match "$ERR" 'decimal' "three decimals message"
	run "$VMON" watch --running --gt 1.5
	assert_eq "$RC" 2 "a fraction of a task"
	run "$VMON" watch --running --gt 1 --scope process --timeout 1s
	assert_eq "$RC" 2 "--scope process"
	assert_match "$ERR" 'no process' "--scope process message"
	assert_eq "$("$VMON" list --json)" "$before" "watches after refused requests"
}

# A detached metric watch's events (and their reports) reach vmon listen, and the text
# output names the metric.
test_metric_events_reach_listeners() {
	need_events_group
	detach --loadavg1 --ge 0 --cooldown 100ms --scope none
	on_exit "'$VMON' unwatch $WID"
	run "$VMON" listen --json --watch "$WID" --count 2 --timeout 60s
	assert_eq "$RC" 0 "vmon listen --watch $WID: $ERR"
	assert_eq "$(grep -c '"metric":"loadavg1"' <<<"$OUT")" 2 "metric events heard"
	run "$VMON" listen --watch "$WID" --count 1 --timeout 60s
	assert_eq "$RC" 0 "vmon listen (text): $ERR"
	assert_match "$OUT" 'loadavg1: [0-9]+\.[0-9][0-9] >= 0\.00' "the text line of a metric event"
}
