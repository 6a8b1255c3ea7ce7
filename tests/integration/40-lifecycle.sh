# Lifecycle: how watches end with the target (exit, exec, unmap...) and where variables live.
. "$REPO/tests/integration/targets.sh"

# _watch_quiet [ARGS...]: a foreground watch "len 4 > 150" on the current target in the
# background (output $TMP/w), once it is listed.
_watch_quiet() {
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json \
		--interval 1ms --timeout 100s "$@"
	_poll 20 listed_for "$T_PID" || fail "the watch never showed in vmon list: $(cat "$TMP/w.err")"
	WATCH_ID=$(jget "$("$VMON" list --json --pid "$T_PID")" id)
}

# _ends_with REASON: the watch reports gone REASON, vmon watch exits 0, nothing listed.
_ends_with() {
	wait_gone 20 "$TMP/w"
	assert_field "$GONE" reason "$1"
	assert_field "$GONE" pid "$T_PID"
	assert_field "$GONE" watch_id "$WATCH_ID"
	wait_exit 20 "$W_PID"
	assert_eq "$RC" 0 "vmon watch exit status after the gone event"
	assert_eq "$(count_triggers "$TMP/w")" 0 "trigger events"
	listed_id "$WATCH_ID" && fail "watch $WATCH_ID still listed after gone: $(list_line "$WATCH_ID")"
	return 0
}

test_gone_exit() {
	start_target
	_watch_quiet
	tcmd "exit 3"
	_ends_with exit
}

test_gone_exec() {
	start_target
	_watch_quiet
	tcmd "exec"
	_ends_with exec
	alive "$T_PID" || fail "the target died instead of exec'ing"
}

test_gone_munmap() {
	start_target --mmap
	_watch_quiet
	tcmd "munmap"
	_ends_with unmapped
}

test_gone_madvise_dontneed() {
	start_target --mmap
	_watch_quiet
	tcmd "madvise"
	_ends_with discarded
}

# mremap moves the page away: the old address is unmapped; the new one can be watched.
test_gone_mremap() {
	local new
	start_target --mmap
	tcmd "set 42"
	_watch_quiet
	tcmd "mremap"
	_ends_with unmapped
	new=${T_REPLY#new=}
	[[ $new =~ ^0x[0-9a-f]+$ ]] || fail "target printed '$T_REPLY' for mremap"
	tcmd "set 151"
	run "$VMON" watch --pid "$T_PID" --addr "$new" --len 4 --gt 150 --json --count 1 \
		--interval 1ms --timeout 30s
	assert_eq "$RC" 0 "watch at the new address: $ERR"
	assert_field "$(triggers <(printf '%s\n' "$OUT"))" value 151
}

# Watches of a process that exits while several exist: all end, each reported once.
test_gone_several() {
	local n
	start_target
	start_watch "$TMP/w" --pid "$T_PID" --addr "$T_ADDR" --len 8 --gt 150 --json \
		--interval 1ms --timeout 100s
	start_watch "$TMP/w2" --pid "$T_PID" --addr "$T_ADDR" --len 1 --gt 100 --json \
		--interval 2ms --timeout 100s
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --ne 0 --interval 5ms
	_poll 20 eval '[ "$("$VMON" list --json --pid "$T_PID" | wc -l)" = 3 ]' ||
		fail "3 watches never listed: $("$VMON" list --json --pid "$T_PID")"
	tcmd "exit 0"
	wait_gone 20 "$TMP/w"
	wait_gone 20 "$TMP/w2"
	n=$(gone_of "$TMP/w" | wc -l)
	assert_eq "$n" 1 "gone events of the first watch"
	_poll 20 eval '! listed_id "$WID"' || fail "detached watch $WID of an exited process still listed"
}

# After fork the parent's variable is still the one watched; the child's copy is its own.
test_fork_child_writes_its_copy() {
	local child
	start_target
	_watch_quiet
	tcmd "fork 500"
	child=${T_REPLY#child=}
	[[ $child =~ ^[0-9]+$ ]] || fail "target printed '$T_REPLY' for fork"
	sleep 1
	assert_eq "$(count_triggers "$TMP/w")" 0 "events after the child wrote 500 to its copy"
	run "$VMON" watch --pid "$child" --addr "$T_ADDR" --len 4 --gt 150 --json --count 1 \
		--interval 1ms --timeout 30s
	assert_eq "$RC" 0 "watch of the child: $ERR"
	assert_field "$(triggers <(printf '%s\n' "$OUT"))" value 500
	tcmd "set 151"
	wait_triggers 20 "$TMP/w" 1
	assert_field "$(triggers "$TMP/w")" value 151
	assert_field "$(triggers "$TMP/w")" pid "$T_PID"
}

# The parent writes after fork (the page was shared copy-on-write): still seen.
test_fork_parent_writes() {
	local child
	start_target
	tcmd "set 7"
	_watch_quiet
	tcmd "fork"
	child=${T_REPLY#child=}
	tcmd "set 151"
	wait_triggers 20 "$TMP/w" 1
	assert_field "$(triggers "$TMP/w")" value 151
	run "$VMON" watch --pid "$child" --addr "$T_ADDR" --len 4 --eq 7 --json --count 1 \
		--interval 1ms --timeout 30s
	assert_eq "$RC" 0 "watch of the child: $ERR"
	assert_field "$(triggers <(printf '%s\n' "$OUT"))" value 7
	kill -9 "$child"
	sleep 0.5
	listed_for "$T_PID" || fail "the parent's watch ended when the child was killed"
	alive "$W_PID" || fail "vmon watch ended when the child was killed: $(cat "$TMP/w")"
}

test_thread_writes() {
	start_target
	_watch_quiet --count 1
	tcmd "thread-set 300"
	wait_triggers 20 "$TMP/w" 1
	assert_field "$(triggers "$TMP/w")" value 300
}

# _fires_in [TARGET-OPTION]: a len-8 watch of the target's variable there fires.
_fires_in() {
	start_target "$@"
	_watch_quiet --count 1
	sleep 0.3
	assert_eq "$(count_triggers "$TMP/w")" 0 "events before the value changed"
	tcmd "set 151"
	wait_triggers 20 "$TMP/w" 1
	assert_field "$(triggers "$TMP/w")" value 151
	wait_exit 20 "$W_PID"
	assert_eq "$RC" 0 "vmon watch exit status"
}

test_var_in_heap() {
	_fires_in --heap
}

test_var_in_own_mmap() {
	_fires_in --mmap
}

test_var_in_shared_mapping() {
	_fires_in --shared
}

test_var_in_hugetlb_page() {
	local nr=/proc/sys/vm/nr_hugepages old
	[ -w "$nr" ] || skip "no hugetlb support ($nr)"
	grep -q '^Hugepagesize: *2048 kB' /proc/meminfo || skip "huge page size is not 2 MiB"
	old=$(cat "$nr")
	if [ "$(awk '/^HugePages_Free/ { print $2 }' /proc/meminfo)" -lt 1 ]; then
		echo $((old + 2)) >"$nr"
		on_exit "echo $old >$nr"
	fi
	[ "$(awk '/^HugePages_Free/ { print $2 }' /proc/meminfo)" -ge 1 ] ||
		skip "could not reserve a 2 MiB huge page"
	_fires_in --hugetlb
}

test_var_in_transparent_huge_page() {
	local thp=/sys/kernel/mm/transparent_hugepage/enabled kb
	[ -r "$thp" ] || skip "no transparent huge pages ($thp)"
	grep -q '\[never\]' "$thp" && skip "transparent huge pages disabled: $(cat "$thp")"
	start_target --thp
	kb=$(awk '/^AnonHugePages:/ { print $2 }' "/proc/$T_PID/smaps_rollup")
	[ "${kb:-0}" -gt 0 ] || skip "the kernel gave the target no huge page (AnonHugePages ${kb:-?} kB)"
	_watch_quiet --count 1
	tcmd "set 151"
	wait_triggers 20 "$TMP/w" 1
	assert_field "$(triggers "$TMP/w")" value 151
}
