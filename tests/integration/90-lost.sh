# Events an owner's full socket could not take are counted and reported, exactly.
. "$REPO/tests/integration/targets.sh"

test_owner_told_exactly_what_it_lost() {
	run "$BUILD/vmon-losttest"
	assert_eq "$RC" 0 "vmon-losttest: $OUT $ERR"
	assert_match "$OUT" '^triggers=[0-9]+ lost=[1-9][0-9]* hits=[0-9]+$' "tally"
	echo "$OUT"
}
