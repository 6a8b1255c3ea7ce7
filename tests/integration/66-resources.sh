# Resources: what an unprivileged user can make the module hold, and the limits on it
# (RLIMIT_MEMLOCK for pinned pages, max_user_watches, min_user_interval, interval
# buckets, the CPU budget, overrun backoff, removal without waiting).
. "$REPO/tests/integration/targets.sh"

PAGE=4096
# Tests of other limits poll every second: the CPU budget (on a debug kernel a check
# costs microseconds) must not be what stops them.
SLOW=1000000000
TIMEOUT_test_removal_does_not_wait=600
TIMEOUT_test_cpu_budget_refuses_flood=900

# ucfg KEY: $UCFG = the number "vmon config KEY" shows to user nobody.
ucfg() {
	run as_nobody "$VMON" config "$1"
	[ "$RC" = 0 ] || fail "nobody: vmon config $1: exit $RC: $ERR"
	[[ $OUT =~ ^[a-z_]+[[:space:]]+([0-9]+) ]] || fail "vmon config $1 printed '$OUT'"
	UCFG=${BASH_REMATCH[1]}
}

_pinned_is() {
	ucfg user_pinned
	[ "$UCFG" = "$1" ]
}

# wait_pinned N: nobody's charged pages come to N (an owner's teardown is asynchronous).
wait_pinned() {
	_poll 20 _pinned_is "$1" || fail "nobody's user_pinned is $UCFG, not $1"
}

# bulk_nobody ARGS...: build/vmon-bulk --owned as nobody; $ADDED = watches it added.
bulk_nobody() {
	run as_nobody "$BUILD/vmon-bulk" --owned "$@"
	[[ $OUT =~ added=([0-9]+) ]] || fail "vmon-bulk printed '$OUT' ($ERR)"
	ADDED=${BASH_REMATCH[1]}
}

# hold_nobody N ARGS...: vmon-bulk --owned --hold as nobody in the background, until
# it has added N watches (a regular expression); it keeps them until the test ends.
hold_nobody() {
	local n=$1 out=$TMP/hold.$RANDOM
	shift
	bg as_nobody "$BUILD/vmon-bulk" --owned --hold "$@" >"$out" 2>&1
	wait_file_match 20 "$out" "added=$n " || fail "vmon-bulk --hold: $(cat "$out")"
}

# A page costs RLIMIT_MEMLOCK once however many watches share it; distinct pages
# are refused past the limit, and every way a watch ends gives its page back.
test_memlock_charged_per_page() {
	local base
	classic_ptrace
	start_multi --as-nobody $((64 * PAGE / 4))
	base=$(((T_BASE + PAGE - 1) / PAGE * PAGE))
	wait_pinned 0

	# 32 pages allowed: the 33rd distinct page is refused, by name.
	run as_nobody prlimit --memlock=$((32 * PAGE)) "$BUILD/vmon-bulk" --owned \
		"$T_PID" "$base" "$PAGE" 40 $SLOW
	assert_eq "$RC" 1 "vmon-bulk past RLIMIT_MEMLOCK (out: $OUT)"
	assert_match "$OUT" 'added=32 ' "watches on distinct pages within 128 KiB"
	assert_match "$ERR" 'RLIMIT_MEMLOCK \(128 of 128 KiB used\): ulimit -l' "refusal"
	# The owner closed its socket: every page comes back.
	wait_pinned 0

	# 200 watches on one page cost one page.
	run as_nobody prlimit --memlock=$PAGE "$BUILD/vmon-bulk" --owned \
		"$T_PID" "$base" 4 200 $SLOW
	assert_eq "$RC" 0 "200 watches on one page with RLIMIT_MEMLOCK 4 KiB: $OUT $ERR"
	assert_match "$OUT" 'added=200 ' "watches sharing a page"
	wait_pinned 0

	# Held watches: unwatch returns the charge at once.
	hold_nobody 8 "$T_PID" "$base" "$PAGE" 8 $SLOW
	ucfg user_pinned
	assert_eq "$UCFG" 8 "pages charged for 8 watches on 8 pages"
	ucfg user_watches
	assert_eq "$UCFG" 8 "nobody's watches"
	run as_nobody "$VMON" unwatch --all
	assert_eq "$RC" 0 "nobody: vmon unwatch --all: $ERR"
	ucfg user_pinned
	assert_eq "$UCFG" 0 "pages charged right after unwatch"
}

# The target's exit ends its watches and their charge.
test_memlock_returned_when_target_exits() {
	local base
	classic_ptrace
	start_multi --as-nobody $((16 * PAGE / 4))
	base=$(((T_BASE + PAGE - 1) / PAGE * PAGE))
	hold_nobody 4 "$T_PID" "$base" "$PAGE" 4 $SLOW
	wait_pinned 4
	kill "$T_PID"
	wait_pinned 0
	ucfg user_watches
	assert_eq "$UCFG" 0 "nobody's watches after its target exited"
}

test_user_watch_limit() {
	classic_ptrace
	cfg_set_restore max_user_watches 10
	start_multi --as-nobody 64
	bulk_nobody "$T_PID" "$T_BASE" 4 12 $SLOW
	assert_eq "$RC" 1 "nobody's 12 watches with max_user_watches 10"
	assert_eq "$ADDED" 10 "watches added"
	assert_match "$ERR" 'uid 65534 has 10 watches: max_user_watches' "refusal"
	# Root is not held to it.
	run "$BUILD/vmon-bulk" --owned "$T_PID" "$T_BASE" 4 12 $SLOW
	assert_eq "$RC" 0 "root's 12 watches: $ERR"
}

test_user_interval_floor() {
	classic_ptrace
	start_target --as-nobody
	run as_nobody "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 \
		--interval 100us --timeout 2s
	assert_eq "$RC" 1 "nobody at 100 us"
	assert_match "$ERR" 'interval 100000 ns is below the minimum 1000000 ns \(min_user_interval\)' "refusal"
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 1 --interval 100us \
		--timeout 1s
	assert_eq "$RC" 0 "root at 100 us: $ERR"
}

# 40 distinct intervals from 1 ms to 97 ms share the timers of the 1-2-5 series.
test_interval_buckets() {
	local iv groups listed
	classic_ptrace
	start_multi --as-nobody 64
	hold_nobody 40 --step 2468135 "$T_PID" "$T_BASE" 4 40 1000001
	run as_nobody "$VMON" list --json
	listed=$(grep -o '"interval_ns":[0-9]*' <<<"$OUT" | cut -d: -f2 | sort -nu | tr '\n' ' ')
	# Each rounds down: 1000001 ns to 1 ms ... 97 ms to 50 ms, six buckets in all.
	assert_eq "$listed" "1000000 2000000 5000000 10000000 20000000 50000000 " \
		"intervals nobody's watches got"
	run "$VMON" stats --json
	groups=$(grep -c '"interval_ns"' <<<"$OUT")
	[ "$groups" -le 6 ] || fail "$groups timers for 40 intervals: $OUT"
	for iv in $(grep -o '"interval_ns":[0-9]*' <<<"$OUT" | cut -d: -f2); do
		[[ $iv =~ ^[125]0*$ ]] || fail "a timer at $iv ns, not in the 1-2-5 series"
	done
}

# The budget refuses a flood of fast watches before it slows the machine, and says so.
test_cpu_budget_refuses_flood() {
	local base slow fast ratio
	classic_ptrace
	start_multi --as-nobody 64
	bulk_nobody "$T_PID" "$T_BASE" 0 20000 1000000
	assert_eq "$RC" 1 "nobody's 20,000 watches at 1 ms (out: $OUT)"
	assert_match "$ERR" 'polling at [0-9.]+% CPU would pass max_user_cpu 5\.0%: longer interval' "refusal"
	[ "$ADDED" -lt 8192 ] || fail "the budget let $ADDED watches in"
	echo "resources: nobody's 1 ms watches stopped at $ADDED by max_user_cpu" >&2

	# The most nobody may hold, held, against a root workload: report the slowdown.
	base=$(_fork_exec_ms)
	bg as_nobody "$BUILD/vmon-bulk" --owned --hold "$T_PID" "$T_BASE" 0 20000 1000000 \
		>"$TMP/most.out" 2>&1
	wait_file_match 20 "$TMP/most.out" 'added=[0-9]+ ' || fail "vmon-bulk: $(cat "$TMP/most.out")"
	slow=$(_fork_exec_ms)
	ucfg cpu
	echo "resources: 50 fork+exec: $base ms alone, $slow ms beside $(cat "$TMP/most.out" | head -n 1) of nobody at 1 ms (estimate $UCFG per-mille)" >&2
	# Admission used the cost known then; the timers' measurement since may differ,
	# but not by the factor of four that would take the estimate past max_cpu.
	[ "$UCFG" -le 200 ] || fail "polling estimate $UCFG per-mille is over max_cpu"
}

_fork_exec_ms() {
	local t0 i
	t0=$(date +%s%N)
	for ((i = 0; i < 50; i++)); do /bin/true; done
	echo $((($(date +%s%N) - t0) / 1000000))
}

# A group whose ticks cannot keep up counts what it missed and slows down, rather
# than firing back to back in interrupt context.
test_overrun_counted_and_backed_off() {
	local g late skipped backoff max=1 i
	cfg_set_restore min_interval 1us
	cfg_set_restore max_cpu 1000
	start_multi 16
	bg "$BUILD/vmon-bulk" --owned --hold "$T_PID" "$T_BASE" 4 4 2000 >"$TMP/fast.out" 2>&1
	wait_file_match 20 "$TMP/fast.out" 'added=4 ' || fail "vmon-bulk at 2 us: $(cat "$TMP/fast.out")"
	for ((i = 0; i < 20; i++)); do
		g=$(stat_group "$("$VMON" stats --json)" 2000)
		backoff=$(jget "$g" backoff)
		[ "$backoff" -gt "$max" ] && max=$backoff
		sleep 0.1
	done
	late=$(jget "$g" late) skipped=$(jget "$g" skipped)
	echo "resources: 2 us group: late $late, skipped $skipped, backoff up to x$max" >&2
	[ "$late" -gt 0 ] || fail "no late tick counted at 2 us: $g"
	[ "$skipped" -ge "$late" ] || fail "skipped $skipped < late $late: $g"
	[ "$max" -gt 1 ] || fail "the 2 us group never backed off: $g"
	run "$VMON" stats
	assert_match "$OUT" 'LATE +SKIPPED +BACKOFF' "vmon stats columns"
	assert_match "$OUT" '^polling: [0-9]+\.[0-9]% of one CPU \(max_cpu 100\.0%\)' "vmon stats estimate"
}

# Deleting watches one by one costs about what adding them did: no grace period
# or flush is waited for under the lock (it was a synchronize_rcu() per delete).
test_removal_does_not_wait() {
	local add del
	cfg_set_restore max_cpu 1000
	start_multi 16
	run "$BUILD/vmon-bulk" --owned --delete "$T_PID" "$T_BASE" 0 5000 1000000000
	assert_eq "$RC" 0 "vmon-bulk --delete: $OUT $ERR"
	[[ $OUT =~ added=5000\ ms=([0-9]+) ]] || fail "vmon-bulk: $OUT"
	add=${BASH_REMATCH[1]}
	[[ $OUT =~ deleted=5000\ del_ms=([0-9]+) ]] || fail "vmon-bulk: $OUT"
	del=${BASH_REMATCH[1]}
	echo "resources: 5000 watches added in $add ms, deleted one by one in $del ms" >&2
	[ "$del" -le $((3 * add + 1000)) ] || fail "deleting took $del ms against $add ms to add"
}

# A target that hides its stack and its command line behind a FUSE daemon that
# never answers cannot wedge the capture: its trigger is reported without
# a single read reaching the daemon, another user's watch fires and delivers, and
# list, unwatch and rmmod complete.
test_fuse_stall_does_not_wedge_capture() {
	local mnt=$TMP/fuse line tpid taddr stid ko=$REPO/kmod/vmon.ko params=
	[ -c /dev/fuse ] || skip "this kernel has no /dev/fuse"
	[ -r /sys/module/vmon/parameters/log_triggers ] &&
		params="log_triggers=$(cat /sys/module/vmon/parameters/log_triggers)"
	on_exit "grep -q '^vmon ' /proc/modules || insmod '$ko' $params"
	mkdir -p "$mnt"
	bg "$BUILD/vmon-fuse" --serve "$mnt" >"$TMP/fuse.out" 2>&1
	wait_file_match 20 "$TMP/fuse.out" '^ready'
	on_exit "umount -l '$mnt'"

	mkfifo "$TMP/ft.in"
	exec {FT_FD}<>"$TMP/ft.in"
	# Not through bg: a command started with & inside a function reads /dev/null.
	"$BUILD/vmon-fuse" --target "$mnt/stall" <"$TMP/ft.in" >"$TMP/ft.out" 2>&1 &
	on_exit "_vmon_stop $!"
	wait_file_match 20 "$TMP/ft.out" '^pid='
	read -r line <"$TMP/ft.out"
	[[ $line =~ pid=([0-9]+)\ addr=(0x[0-9a-f]+) ]] || fail "vmon-fuse --target said '$line'"
	tpid=${BASH_REMATCH[1]} taddr=${BASH_REMATCH[2]}
	stid=$(ls "/proc/$tpid/task" | grep -vx "$tpid") ||
		fail "vmon-fuse --target has one thread: $(cat "$TMP/ft.out")"
	_poll 20 _state_is "$tpid/task/$stid" S || fail "the stalled thread $stid is not asleep"

	start_watch "$TMP/w1" --pid "$tpid" --addr "$taddr" --len 4 --gt 0 --json --count 1 \
		--timeout 120s
	sleep 1
	echo "set 1" >&"$FT_FD"
	wait_triggers 60 "$TMP/w1" 1
	assert_match "$(cat "$TMP/w1")" '"tid":'"$stid"'[,}]' "the stalled thread in the snapshot"
	assert_eq "$(grep -c '^read [0-9]' "$TMP/fuse.out")" 0 "reads that reached the FUSE daemon ($(cat "$TMP/fuse.out"))"

	# Another user's watch fires and delivers meanwhile.
	classic_ptrace
	start_target --as-nobody
	tcmd "set 151"
	run as_nobody "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--count 1 --timeout 60s
	assert_eq "$RC" 0 "nobody's watch beside the stalled target: $ERR"
	assert_field "$(triggers <(printf '%s\n' "$OUT"))" value 151

	run timeout 60 "$VMON" list
	assert_eq "$RC" 0 "vmon list: $ERR"
	run timeout 60 "$VMON" unwatch --all
	assert_eq "$RC" 0 "vmon unwatch --all: $ERR"
	run timeout 120 rmmod vmon
	assert_eq "$RC" 0 "rmmod vmon: $ERR"
	run insmod "$ko" ${params:+"$params"}
	assert_eq "$RC" 0 "insmod $ko: $ERR"
}
