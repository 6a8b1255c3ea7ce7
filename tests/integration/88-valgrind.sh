# The CLI and libvmon against the real module under valgrind: no leaks, no invalid accesses.
. "$REPO/tests/integration/targets.sh"

TIMEOUT_test_cli_under_valgrind=900

# vg WHAT EXPECTED_RC ARGS...: run vmon ARGS under memcheck; any error or leak fails.
vg() {
	local what=$1 want=$2
	shift 2
	run valgrind -q --leak-check=full --errors-for-leak-kinds=all \
		--error-exitcode=99 "$VMON" "$@"
	[ "$RC" != 99 ] || fail "valgrind found errors in vmon $*: $ERR"
	assert_eq "$RC" "$want" "exit status of vmon $* ($what) under valgrind: $ERR"
}

test_cli_under_valgrind() {
	command -v valgrind >/dev/null || fail "valgrind is not installed (tools/install-deps)"
	start_target
	tcmd "set 9"
	vg "a watch that fires" 0 watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --eq 9 \
		--json --count 1 --interval 1ms --timeout 120s
	assert_match "$OUT" '"value":9' "the event printed under valgrind"
	vg "a refused watch" 1 watch --pid "$T_PID" --addr "$T_UNMAPPED" --len 4 --gt 0 --detach
	vg "detach" 0 watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 100 --detach
	vg "a watch by name" 0 watch --pid "$T_PID" --var var --gt 1000 --detach
	vg "a name that does not resolve" 1 watch --pid "$T_PID" --var varr --gt 1000 --detach
	"$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 2 --gt 100 --interval 2ms \
		--detach >/dev/null || fail "cannot add a second detached watch"
	# A metric watch that fires at once (a busy loop keeps a task runnable), with its
	# system-wide report.
	bg bash -c 'while :; do :; done'
	vg "a metric watch that fires" 0 watch --loadavg1 --ge 0 --json --count 1 --timeout 120s
	assert_match "$OUT" '"metric":"loadavg1".*"tasks":\[' "the metric event printed under valgrind"
	_vmon_stop "$BG_PID"
	vg "a metric watch, detached" 0 watch --loadavg5 --gt 99.99 --detach
	vg "list" 0 list
	vg "list --json" 0 list --json
	vg "stats" 0 stats --json
	vg "config" 0 config
	if have_events_group; then
		vg "listen with nothing to hear" 0 listen --timeout 1s
	else
		vg "listen refused (no events group)" 1 listen --timeout 1s
	fi
	vg "unwatch --all" 0 unwatch --all
	run "$VMON" list --json
	assert_eq "$OUT" "" "watches left after unwatch --all"
}
