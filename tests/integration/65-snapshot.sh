# Snapshots: who was doing what when a watch fired, unwound and symbolized down to file:line.
. "$REPO/tests/integration/targets.sh"

# The line of the "@NAME" marker in a source file.
marker_line() {
	grep -n "@$2 \*/" "$REPO/$1" | cut -d: -f1
}

# start_stack PROG [ARGS...]: start build/PROG (a vmon-stack build) waiting for "go".
start_stack() {
	local prog=$1
	shift
	_start_prog "$BUILD/$prog" "$@"
}

# settle PROG_ARGS...: let the current target run its chain and wait until it is where the
# tests look at it: every thread asleep, the main one in clock_nanosleep (or, spinning,
# running).  The watch comes after: it fires at its first check, so the snapshot never
# catches the main thread between its system calls.
settle() {
	echo go >&"$T_FD"
	if [[ " $* " == *" spin "* ]]; then
		_poll 20 _state_is "$T_PID" R || fail "vmon-stack $T_PID never spun"
		return
	fi
	_poll 20 _in_nanosleep "$T_PID" || fail "vmon-stack $T_PID never reached its sleep"
	_poll 20 _all_sleeping "$T_PID" || fail "the threads of $T_PID never all slept"
}

# In clock_nanosleep (230) or nanosleep (35), per /proc/PID/syscall.
_in_nanosleep() {
	local nr
	read -r nr _ <"/proc/$1/syscall" || return 1
	[ "$nr" = 230 ] || [ "$nr" = 35 ]
}

# stack_report OUT PROG [ARGS...] -- [WATCH ARGS...]: start PROG, let it run its chain,
# watch its value > 150 with --json --count 1, and leave the one report in OUT.
stack_report() {
	local out=$1 prog=$2 args=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	shift
	start_stack "$prog" "${args[@]}"
	settle "${args[@]}"
	start_watch "$out" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--count 1 --timeout 60s "$@"
	wait_triggers 30 "$out" 1
	wait_exit 30 "$W_PID"
}

# The watched thread's user stack as "symbol file:line inlined" lines, innermost first.
user_frames() {
	jq -r --argjson tid "$2" '.tasks[] | select(.tid == $tid) | .user_stack[] |
		"\(.symbol) \(.file // "-" | split("/") | last):\(.line) \(.inlined)"' "$1"
}

# check_chain OUT SRC CXXPREFIX: the main thread's frames hold the call chain in order.
check_chain() {
	local out=$1 src=$2 ns=$3 frames base want
	base=${src##*/}
	frames=$(user_frames "$out" "$T_PID")
	echo "$frames"
	want="^${ns}level3.* $base:$(marker_line "$src" sleep) false
^${ns}level2_inline.* $base:$(marker_line "$src" level3-call) true
^${ns}level2.* $base:$(marker_line "$src" level2_inline-call) false
^${ns}level1.* $base:$(marker_line "$src" level2-call) false
^main $base:$(marker_line "$src" level1-call) false"
	# The chain's frames, in order, right after the libc sleep frames.
	grep -E -A4 -m1 "^${ns}level3" <<<"$frames" >"$TMP/chain"
	local i=0 line re
	while IFS= read -r re; do
		i=$((i + 1))
		line=$(sed -n "${i}p" "$TMP/chain")
		[[ $line =~ $re ]] || fail "frame $i of the chain: '$line' does not match /$re/ in:
$frames"
	done <<<"$want"
	assert_match "$(head -n 1 <<<"$frames")" 'nanosleep' "innermost frame (in libc)"
	assert_match "$frames" '^__libc_start_call_main ' "libc's caller of main"
	assert_eq "$(jq -r --argjson tid "$T_PID" '.tasks[] | select(.tid == $tid) | .unwind_error' "$out")" \
		null "unwind_error"
}

# The issue's acceptance case: -O2, no frame pointers, PIE: CFI alone.
test_report_user_stack_no_frame_pointers() {
	stack_report "$TMP/w" vmon-stack --
	check_chain "$TMP/w" tests/targets/vmon-stack.c ""
}

test_report_user_stack_frame_pointers() {
	stack_report "$TMP/w" vmon-stack-fp --
	check_chain "$TMP/w" tests/targets/vmon-stack.c ""
}

test_report_user_stack_non_pie() {
	stack_report "$TMP/w" vmon-stack-nopie --
	check_chain "$TMP/w" tests/targets/vmon-stack.c ""
}

test_report_user_stack_cxx_demangled() {
	stack_report "$TMP/w" vmon-stack-cxx --
	check_chain "$TMP/w" tests/targets/vmon-stack-cxx.cc 'ns::(Chain<int>::)?'
}

# The rest of the report: task identity, kernel stack, cgroup, ancestry with command lines.
test_report_task_kernel_stack_and_ancestry() {
	local ev
	stack_report "$TMP/w" vmon-stack --thread --
	ev=$(triggers "$TMP/w")
	assert_eq "$(jq '.tasks | length' <<<"$ev")" 2 "tasks (two threads)"
	assert_eq "$(jq -r --argjson p "$T_PID" '.tasks[] | select(.tid == $p) | "\(.pid) \(.comm) \(.state) \(.flags | index("watched") != null)"' <<<"$ev")" \
		"$T_PID vmon-stack S true" "main thread: pid comm state watched"
	assert_match "$(jq -r '.tasks[0].cgroup' <<<"$ev")" '^/' "cgroup path"
	assert_match "$(jq -r '.tasks[0].cpu' <<<"$ev")" '^[0-9]+$' "cpu"
	# The main thread sleeps in nanosleep, the other waits on a futex.
	assert_match "$(jq -r --argjson p "$T_PID" '.tasks[] | select(.tid == $p) | .kernel_stack[].symbol' <<<"$ev")" \
		'nanosleep' "main thread's kernel stack"
	assert_match "$(jq -r --argjson p "$T_PID" '.tasks[] | select(.tid != $p) | .kernel_stack[].symbol' <<<"$ev")" \
		'futex_wait' "waiting thread's kernel stack"
	assert_match "$(jq -r --argjson p "$T_PID" '.tasks[] | select(.tid != $p) | .user_stack[].symbol' <<<"$ev")" \
		'^waiter$' "waiting thread's user stack"
	# Ancestry: the target, this test's shell, ..., pid 1, with command lines.
	assert_eq "$(jq -r '.chain[0] | "\(.pid) \(.comm)"' <<<"$ev")" "$T_PID vmon-stack" "chain[0]"
	assert_match "$(jq -r '.chain[0].cmdline' <<<"$ev")" 'build/vmon-stack --thread$' "chain[0] cmdline"
	assert_match "$(jq -r '.chain[] | "\(.pid) \(.cmdline)"' <<<"$ev")" "^$$ .*bash" "this test's shell in the chain"
	assert_eq "$(jq -r '.chain[-1].pid' <<<"$ev")" 1 "the chain ends at pid 1"
	assert_match "$(jq -r '.chain[-1].cmdline' <<<"$ev")" '.' "pid 1's cmdline"
	assert_eq "$(jq -r '.tasks_omitted' <<<"$ev")" 0 "tasks_omitted"
	assert_eq "$(jq -r '.incomplete' <<<"$ev")" false "incomplete"
}

# The text report: the trigger line, then #~ user, #@ kernel, #* comm, #^ ancestry lines.
test_report_text() {
	local src=tests/targets/vmon-stack.c
	start_stack vmon-stack
	settle
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --count 1 --timeout 60s
	wait_exit 30 "$W_PID"
	cat "$TMP/w"
	assert_match "$(head -n 1 "$TMP/w")" "watch [0-9]+ pid $T_PID .*: 151 > 150" "header"
	assert_match "$(cat "$TMP/w")" "#~ .*level3\+0x[0-9a-f]+ .*vmon-stack.c:$(marker_line $src sleep)" "#~ level3"
	assert_match "$(cat "$TMP/w")" "#~ .*level2_inline.*inlined" "#~ inline frame"
	assert_match "$(cat "$TMP/w")" '#@ .*nanosleep' "#@ kernel frames"
	assert_match "$(cat "$TMP/w")" '#\* +vmon-stack' "#* comm"
	assert_match "$(cat "$TMP/w")" "#\^ +1 " "#^ pid 1"
}

# --folded: one line per stack, outermost first, kernel frames marked, then a count.
test_report_folded() {
	start_stack vmon-stack
	settle
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --count 1 \
		--timeout 60s --folded
	wait_exit 30 "$W_PID"
	cat "$TMP/w"
	assert_eq "$(grep -c . "$TMP/w")" 1 "folded lines (one thread)"
	assert_match "$(cat "$TMP/w")" '^vmon-stack;.*main;level1;level2;level2_inline;level3;.*nanosleep.*_\[k\] 1$' "folded stack"
}

# Symbolized from the files after the target has gone: the maps came with the event.
test_report_after_target_exit() {
	start_stack vmon-stack
	settle
	# The first check comes one interval after the add: time to stop the reader first.
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--interval 3s --timeout 60s
	_poll 20 listed_for "$T_PID" || fail "no watch: $(cat "$TMP/w.err")"
	kill -STOP "$W_PID"
	_poll 20 _hits_of "$T_PID" || fail "the watch never fired"
	kill -9 "$T_PID"
	_poll 20 _gone "$T_PID" || fail "target $T_PID did not exit"
	kill -CONT "$W_PID"
	wait_exit 30 "$W_PID"
	check_chain "$TMP/w" tests/targets/vmon-stack.c ""
	assert_match "$(cat "$TMP/w")" '"type":"gone".*"reason":"exit"' "gone event after the report"
}

_hits_of() {
	"$VMON" list --json --pid "$1" | grep -q '"hits":[1-9]'
}

_gone() {
	[ ! -e "/proc/$1" ]
}

# Scope "none": the trigger alone, as before snapshots existed.
test_scope_none_sends_no_report() {
	stack_report "$TMP/w" vmon-stack -- --scope none
	assert_no_match "$(cat "$TMP/w")" '"tasks"' "report of a --scope none watch"
	assert_match "$(cat "$TMP/w")" '"value":151' "trigger"
	run "$VMON" list --json
	assert_eq "$RC" 0 "vmon list"
}

# Scope "system" adds every running (R) and uninterruptible (D) task elsewhere.
test_scope_system_running_and_blocked() {
	local busy dpid ev
	bash -c 'while :; do :; done' &
	busy=$!
	on_exit "kill -9 $busy"
	"$BUILD/vmon-vfork" >"$TMP/vfork" &
	on_exit "kill -9 $! 2>/dev/null"
	wait_file_match 20 "$TMP/vfork" '^pid='
	dpid=$(sed -n 's/^pid=//p' "$TMP/vfork")
	_poll 20 _state_is "$dpid" D || fail "vmon-vfork $dpid never blocked in D state"
	stack_report "$TMP/w" vmon-stack -- --scope system
	ev=$(triggers "$TMP/w")
	assert_match "$(jq -r '.tasks[] | "\(.pid) \(.state)"' <<<"$ev")" "^$busy R$" "the busy loop, running"
	assert_match "$(jq -r '.tasks[] | "\(.pid) \(.state)"' <<<"$ev")" "^$dpid D$" "the vfork parent, uninterruptible"
	assert_match "$(jq -r --argjson p "$dpid" '.tasks[] | select(.pid == $p) | .kernel_stack[].symbol' <<<"$ev")" \
		'vfork' "the D task's kernel stack"
	# Only the busy ones: far from every task on the system (they may have slept or
	# exited between selection and capture, so their states prove nothing).
	local all=(/proc/[0-9]*/task/*) n
	n=$(jq '[.tasks[] | select(.flags | index("watched") == null)] | length' <<<"$ev")
	[ "$n" -lt $((${#all[@]} / 2)) ] || fail "$n of ${#all[@]} tasks captured: not only the busy ones"
}

_all_sleeping() {
	local d
	for d in /proc/"$1"/task/*; do
		_state_is "$1/task/${d##*/}" S || return 1
	done
}

test_scope_system_needs_cap_sys_admin() {
	start_target --as-nobody
	run as_nobody "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 \
		--scope system --timeout 1s
	assert_eq "$RC" 1 "exit status"
	assert_match "$ERR" 'scope "system" needs CAP_SYS_ADMIN' "message"
	run as_nobody "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 \
		--scope process --timeout 1s
	assert_eq "$RC" 0 "scope process as the owner: $ERR"
}

# max_tasks caps the tasks per snapshot; the rest are counted.
test_max_tasks_counts_the_rest() {
	local ev
	cfg_set_restore max_tasks 1
	stack_report "$TMP/w" vmon-stack --thread --
	ev=$(triggers "$TMP/w")
	assert_eq "$(jq '.tasks | length' <<<"$ev")" 1 "tasks"
	assert_eq "$(jq '.tasks_omitted' <<<"$ev")" 1 "tasks_omitted"
	run "$VMON" config max_tasks 0
	assert_eq "$RC" 1 "max_tasks 0"
	assert_match "$ERR" 'max_tasks must be 1\.\.' "max_tasks 0 message"
	run "$VMON" config stack_bytes 65537
	assert_eq "$RC" 1 "stack_bytes 65537"
	assert_match "$ERR" 'stack_bytes must be 0\.\.65536' "stack_bytes message"
}

# stack_bytes bounds the copy: 64 KiB arrives whole (split over several messages).
test_stack_bytes_64k() {
	local len
	cfg_set_restore stack_bytes 65536
	stack_report "$TMP/w" vmon-stack --
	check_chain "$TMP/w" tests/targets/vmon-stack.c ""
	assert_eq "$(jq '.incomplete' "$TMP/w" | head -n 1)" false "incomplete"
	cfg_set_restore stack_bytes 0
	stack_report "$TMP/w2" vmon-stack --
	len=$(jq --argjson p "$T_PID" '[.tasks[] | select(.tid == $p) | .user_stack[]] | length' "$TMP/w2" | head -n 1)
	assert_eq "$len" 1 "user frames without stack bytes (the pc alone)"
}

# An event storm with a stopped listener: drops are counted, kernel memory stays bounded.
TIMEOUT_test_event_storm_bounded=240
test_event_storm_bounded() {
	local n=200 before during lost
	need_events_group
	start_multi "$n"
	# Every watch fires every 10 ms: far more than a stopped listener's 4 MiB holds.
	cfg_set_restore default_cooldown 10ms
	"$BUILD/vmon-bulk" "$T_PID" "$T_BASE" "$T_STRIDE" "$n" 1000000 >"$TMP/bulk" 2>&1 ||
		fail "vmon-bulk: $(cat "$TMP/bulk")"
	on_exit "'$VMON' unwatch --all >/dev/null"
	"$VMON" listen --json >"$TMP/l" 2>"$TMP/l.err" &
	local lpid=$!
	on_exit "kill -9 $lpid 2>/dev/null"
	sleep 0.5
	kill -STOP "$lpid"
	before=$(_slab_kb)
	for ((i = 0; i < n; i++)); do
		printf 'set %d 2000000\n' "$i" >&"$T_FD"
	done
	sleep 5
	during=$(_slab_kb)
	echo "slab before $before kB, during the storm $during kB"
	[ $((during - before)) -lt 65536 ] || fail "kernel slab grew by $((during - before)) kB during the storm"
	run "$VMON" stats --json
	assert_match "$OUT" '"events_dropped":[1-9]' "drops counted in vmon stats"
	assert_match "$OUT" '"snapshots":[1-9]' "snapshots counted in vmon stats"
	kill -CONT "$lpid"
	wait_file_match 30 "$TMP/l" '"type":"lost"'
	"$VMON" unwatch --all >/dev/null
}

_slab_kb() {
	awk '/^Slab:/ { print $2 }' /proc/meminfo
}

# A thread spinning in user space: either it was preempted (its registers are exact and
# the stack unwinds from the spin loop) or it ran on another CPU and says its registers
# are stale; never a made-up stack without the mark.
test_report_spinning_thread() {
	local ev flags frames src=tests/targets/vmon-stack.c
	stack_report "$TMP/w" vmon-stack spin --
	ev=$(triggers "$TMP/w")
	flags=$(jq -r --argjson p "$T_PID" '.tasks[] | select(.tid == $p) | .flags | join(",")' <<<"$ev")
	assert_eq "$(jq -r --argjson p "$T_PID" '.tasks[] | select(.tid == $p) | .state' <<<"$ev")" R "state"
	frames=$(user_frames "$TMP/w" "$T_PID")
	echo "flags $flags"
	echo "$frames"
	if [[ $flags != *oncpu* ]]; then
		assert_match "$(head -n 1 <<<"$frames")" "^level3 vmon-stack.c:$(marker_line $src spin) " "innermost frame of a preempted spinner"
		assert_match "$frames" '^main ' "main in the spinner's stack"
	fi
}

# `vmon report` turns a real saved --json report back into text and folded stacks.
test_vmon_report_reads_saved_json() {
	local src=tests/targets/vmon-stack.c
	stack_report "$TMP/w" vmon-stack --
	run "$VMON" report "$TMP/w"
	assert_eq "$RC" 0 "vmon report: $ERR"
	assert_match "$OUT" "watch [0-9]+ pid $T_PID .*: 151 > 150" "header"
	assert_match "$OUT" "#~ .*level3\+0x[0-9a-f]+ .*vmon-stack.c:$(marker_line $src sleep)" "#~ level3"
	assert_match "$OUT" '#\^ +1 ' "#^ pid 1"
	run "$VMON" report --folded "$TMP/w"
	assert_eq "$RC" 0 "vmon report --folded: $ERR"
	assert_match "$OUT" '^vmon-stack;.*main;level1;level2;level2_inline;level3;.*_\[k\] 1$' "folded"
	printf '{"type":"trigger","watch_id":\n' >"$TMP/bad"
	run "$VMON" report "$TMP/bad"
	assert_eq "$RC" 1 "vmon report on a malformed line"
	assert_match "$ERR" 'line 1' "the malformed line named"
}

# Nonsense options are usage errors (status 2) that add no watch.
test_snapshot_options_refused() {
	start_target
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --scope everything
	assert_eq "$RC" 2 "--scope everything"
	assert_match "$ERR" 'not process, system or none' "--scope message"
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --json --folded
	assert_eq "$RC" 2 "--json --folded"
	run "$VMON" config max_tasks lots
	assert_eq "$RC" 2 "config max_tasks lots"
	run "$VMON" list --json --pid "$T_PID"
	assert_eq "$OUT" "" "watches after refused options"
}
