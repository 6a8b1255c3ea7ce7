# Scale: 10,000 watches over 4 processes and 4 intervals, listed, counted, firing, removed.
. "$REPO/tests/integration/targets.sh"

# Watches per interval.  The guest is usually emulated (no KVM), so the fast groups are
# small: about a million checks a second in all.
SCALE_PLAN="1000000:100 2000000:400 5000000:1500 20000000:8000"
SCALE_TOTAL=10000
TIMEOUT_test_scale=900

_stats_field() {		# _stats_field STATS INTERVAL_NS FIELD
	jget "$(stat_group "$1" "$2")" "$3"
}

_count_watches() {
	[ "$("$VMON" list --json | wc -l)" = "$1" ]
}

test_scale() {
	local plan iv n i t0 ms total=0 s1 s2 f1 f2 c1 c2 w pids=() bases=() cli_ms ev
	run "$VMON" list --json
	[ -z "$OUT" ] || fail "watches left over from earlier tests: $(printf '%s\n' "$OUT" | head -n 3)"
	on_exit "'$VMON' unwatch --all"
	cfg max_watches
	[ "$CFG" -ge $((SCALE_TOTAL + 100)) ] || fail "max_watches is $CFG"
	# A million checks a second: past the default polling budget on an emulated
	# machine, which is root's to raise.
	cfg_set_restore max_cpu 1000

	# How fast the CLI adds watches, for comparison.
	start_multi 100
	t0=$(date +%s%N)
	for ((i = 0; i < 100; i++)); do
		detach --pid "$T_PID" --addr "$(printf '0x%x' $((T_BASE + 4 * i)))" --len 4 --gt 1000000
	done
	cli_ms=$((($(date +%s%N) - t0) / 1000000))
	echo "scale: 100 watches with vmon watch --detach took $cli_ms ms" >&2
	run "$VMON" unwatch --pid "$T_PID"
	assert_eq "$RC" 0 "vmon unwatch --pid: $ERR"

	for plan in $SCALE_PLAN; do
		iv=${plan%:*} n=${plan#*:}
		start_multi "$n"
		pids+=("$T_PID") bases+=("$T_BASE")
		run "$BUILD/vmon-bulk" "$T_PID" "$T_BASE" "$T_STRIDE" "$n" "$iv"
		assert_eq "$RC" 0 "vmon-bulk for $n watches at $iv ns: $OUT $ERR"
		assert_match "$OUT" "added=$n " "vmon-bulk output"
		echo "scale: $n watches at $iv ns: ${OUT##*ms=} ms with libvmon" >&2
		total=$((total + n))
	done
	assert_eq "$total" "$SCALE_TOTAL" "watches planned"

	t0=$(date +%s%N)
	run "$VMON" list --json
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "scale: vmon list --json of $total watches took $ms ms" >&2
	assert_eq "$RC" 0 "vmon list --json: $ERR"
	assert_eq "$(printf '%s\n' "$OUT" | grep -c '"id"')" "$total" "watches in vmon list --json"
	assert_eq "$(printf '%s\n' "$OUT" | grep -c '"interval_ns"[[:space:]]*:[[:space:]]*20000000[,}[:space:]]')" 8000 \
		"watches listed with a 20 ms interval"
	run "$VMON" list
	assert_eq "$RC" 0 "vmon list: $ERR"
	[ "$(printf '%s\n' "$OUT" | wc -l)" -ge "$total" ] || fail "vmon list printed $(printf '%s\n' "$OUT" | wc -l) lines"
	cfg watches
	assert_eq "$CFG" "$total" "vmon config watches"

	run "$VMON" stats --json
	assert_eq "$RC" 0 "vmon stats --json: $ERR"
	s1=$OUT
	w=0
	while read -r n; do
		w=$((w + n))
	done < <(printf '%s\n' "$s1" | grep '"watches"' | sed -nE 's/.*"watches"[[:space:]]*:[[:space:]]*([0-9]+).*/\1/p')
	assert_eq "$w" "$total" "watches summed over the groups of vmon stats --json"
	for plan in $SCALE_PLAN; do
		assert_eq "$(_stats_field "$s1" "${plan%:*}" watches)" "${plan#*:}" "watches of group ${plan%:*} ns"
	done
	sleep 2
	run "$VMON" stats --json
	s2=$OUT
	for plan in $SCALE_PLAN; do
		iv=${plan%:*} n=${plan#*:}
		f1=$(_stats_field "$s1" "$iv" fires) f2=$(_stats_field "$s2" "$iv" fires)
		c1=$(_stats_field "$s1" "$iv" checks) c2=$(_stats_field "$s2" "$iv" checks)
		[ "$f2" -gt "$f1" ] || fail "group $iv ns: fires $f1 -> $f2"
		[ "$c2" -gt "$c1" ] || fail "group $iv ns: checks $c1 -> $c2"
		# Every tick checks every watch of its group.
		[ $((c2 - c1)) -ge $(((f2 - f1 - 1) * n)) ] ||
			fail "group $iv ns: $((c2 - c1)) checks in $((f2 - f1)) ticks of $n watches"
		echo "scale: group $iv ns: $n watches, $((f2 - f1)) ticks in 2 s, longest tick $(_stats_field "$s2" "$iv" ns_max) ns" >&2
	done

	# One variable of the 8000 crosses its threshold (heard by a listener, where
	# the kernel lets the module have one).
	use_target 5
	tcmd "set 4321 2000000"
	if have_events_group; then
		run "$VMON" listen --json --pid "$T_PID" --count 1 --timeout 60s
		assert_eq "$RC" 0 "vmon listen: $ERR"
		ev=$(triggers <(printf '%s\n' "$OUT"))
		assert_field "$ev" value 2000000
		assert_eq "$(($(jget "$ev" addr)))" $((T_BASE + 4321 * T_STRIDE)) "addr of the event"
	else
		echo "scale: no events group on this kernel: the trigger is not listened for" >&2
	fi

	t0=$(date +%s%N)
	run "$VMON" unwatch --all
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "scale: vmon unwatch --all took $ms ms" >&2
	assert_eq "$RC" 0 "vmon unwatch --all: $ERR"
	run "$VMON" list --json
	assert_eq "$OUT" "" "vmon list --json after unwatch --all"
	cfg watches
	assert_eq "$CFG" 0 "vmon config watches after unwatch --all"
}
