# Namespaces: a container sees only its own watches, and what a watch reports is in its
# creator's pid and cgroup namespaces.
. "$REPO/tests/integration/targets.sh"

# as_container CMD...: root in a new pid (and mount) namespace, without CAP_SYS_ADMIN in
# the init user namespace: a container's root.
as_container() {
	unshare --pid --fork --mount-proc -- \
		setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin -- "$@"
}

# The host's watches, detached or not, are not the container's to list, delete or count.
test_container_root_sees_no_host_watches() {
	local hostw
	start_target
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --interval 20ms
	hostw=$WID
	on_exit "'$VMON' unwatch $hostw"

	run as_container "$VMON" list --json
	assert_eq "$RC" 0 "vmon list in the container: $ERR"
	assert_eq "$OUT" "" "the container's vmon list"
	run as_container "$VMON" unwatch "$hostw"
	assert_eq "$RC" 1 "vmon unwatch of the host's watch in the container (stdout: $OUT)"
	assert_match "$ERR" "no watch with id $hostw\$" "vmon unwatch of the host's watch"
	run as_container "$VMON" unwatch --all
	assert_eq "$RC" 0 "vmon unwatch --all in the container: $ERR"
	listed_id "$hostw" || fail "the container's unwatch --all removed the host's watch $hostw"
	run as_container "$VMON" stats --json
	assert_eq "$RC" 0 "vmon stats in the container: $ERR"
	assert_no_match "$OUT" '"interval_ns"[[:space:]]*:[[:space:]]*20000000[,}]' "the container's vmon stats"
	run "$VMON" stats --json
	assert_match "$OUT" '"interval_ns"[[:space:]]*:[[:space:]]*20000000[,}]' "the host's vmon stats"
}

# A process in its own pid namespace, watched from inside: the trigger, the snapshot's
# tasks and the ancestry carry the container's numbers and stop at its init; the host
# lists the same watch under the host's number.  Its events go to its owner only.
test_container_numbers() {
	local host p l
	_start_prog unshare --pid --fork --mount-proc -- "$BUILD/vmon-target"
	[ "$T_PID" = 1 ] || fail "the target is not its namespace's init: pid=$T_PID"
	for p in $(pgrep -x vmon-target); do
		grep -qE '^NSpid:[[:space:]]+[0-9]+[[:space:]]+1$' "/proc/$p/status" && host=$p
	done
	[ -n "${host:-}" ] || fail "cannot find the target's host pid"
	tcmd "set 151"

	if have_events_group; then
		"$VMON" listen --json --timeout 20s >"$TMP/listen" 2>&1 &
		on_exit "kill $! 2>/dev/null"
		sleep 1
	fi
	run nsenter -t "$host" -p -m -r -w -- "$VMON" watch --pid 1 --addr "$T_ADDR" --len 4 --gt 150 \
		--json --count 1 --interval 1ms --timeout 30s
	assert_eq "$RC" 0 "vmon watch in the container: $ERR"
	l=$(triggers <(printf '%s\n' "$OUT"))
	assert_field "$l" pid 1
	assert_eq "$(jq -r '[.tasks[].pid] | unique | join(" ")' <<<"$l")" 1 "the snapshot's task pids"
	assert_eq "$(jq -r '[.chain[].pid] | join(" ")' <<<"$l")" 1 \
		"the ancestry (the target is the container's init)"

	run nsenter -t "$host" -p -m -r -w -- "$VMON" watch --detach --pid 1 --addr "$T_ADDR" --len 4 --gt 1000
	assert_eq "$RC" 0 "a detached watch from the container: $ERR"
	on_exit "'$VMON' unwatch $OUT"
	assert_field "$(list_line "$OUT")" pid "$host"
	run "$VMON" list --json --pid "$host"
	assert_field "$OUT" pid "$host"
	# By pid, each side names the process with its own number.
	run nsenter -t "$host" -p -m -r -w -- "$VMON" list --json --pid 1
	assert_field "$OUT" pid 1
	run "$VMON" list --json --pid 1
	assert_no_match "$OUT" '"pid"[[:space:]]*:[[:space:]]*1[,}]' "the host's list --pid 1 (its own init)"

	if have_events_group; then
		sleep 1
		assert_no_match "$(cat "$TMP/listen")" "$TRIGGER_RE" \
			"the host's listener (the container's watch numbers its pids for the container)"
	fi
}

# cgroup paths are relative to the creator's cgroup namespace.
test_container_cgroup_path() {
	local cg=/sys/fs/cgroup host p l
	[ -e "$cg/cgroup.procs" ] || skip "no cgroup v2 hierarchy at $cg in this guest"
	mkdir -p "$cg/vmon-ct" || fail "mkdir $cg/vmon-ct"
	on_exit "rmdir $cg/vmon-ct 2>/dev/null"
	start_target
	echo "$T_PID" >"$cg/vmon-ct/cgroup.procs" || fail "moving the target into vmon-ct"
	tcmd "set 151"
	run "$VMON" watch --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --json --count 1 \
		--interval 1ms --timeout 30s
	l=$(triggers <(printf '%s\n' "$OUT"))
	assert_eq "$(jq -r '.tasks[0].cgroup' <<<"$l")" /vmon-ct "the cgroup seen from the host"
	# From a cgroup namespace rooted at vmon-ct, the same process is at "/".
	run bash -c "echo \$\$ >$cg/vmon-ct/cgroup.procs && exec unshare --cgroup -- '$VMON' watch --pid $T_PID \
		--addr $T_ADDR --len 4 --gt 150 --json --count 1 --interval 1ms --timeout 30s"
	l=$(triggers <(printf '%s\n' "$OUT"))
	assert_eq "$(jq -r '.tasks[0].cgroup' <<<"$l")" / "the cgroup seen from inside the namespace: $ERR"
	kill -9 "$T_PID" 2>/dev/null
}

# GENL_MCAST_CAP_SYS_ADMIN asks for CAP_SYS_ADMIN over the socket's network namespace:
# an unprivileged user's own user and network namespaces qualify.  That listener hears
# only watches made in its network namespace: none of the host's.
test_userns_listener_hears_only_its_netns() {
	local lpid rc=0
	need_events_group
	run as_nobody unshare --user --map-root-user --net true
	[ "$RC" = 0 ] || skip "this kernel does not let nobody make user namespaces: $ERR"
	start_target
	tcmd "set 151"
	as_nobody unshare --user --map-root-user --net -- "$VMON" listen --json --timeout 6s \
		>"$TMP/l" 2>"$TMP/l.err" &
	lpid=$!
	sleep 1
	detach --pid "$T_PID" --addr "$T_ADDR" --len 4 --gt 150 --cooldown 100ms
	on_exit "'$VMON' unwatch $WID"
	run "$VMON" listen --json --watch "$WID" --count 1 --timeout 30s
	assert_eq "$RC" 0 "the host's listener: $ERR"
	assert_match "$OUT" "$TRIGGER_RE" "the host's listener"
	wait "$lpid" || rc=$?
	assert_eq "$rc" 0 "vmon listen in nobody's own namespaces: $(cat "$TMP/l.err")"
	assert_no_match "$(cat "$TMP/l")" "$TRIGGER_RE" "the listener in nobody's network namespace"
}
