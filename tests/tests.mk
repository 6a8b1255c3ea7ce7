# Test programs built on the host; the guest runs them from the shared root.
include tests/unit/unit.mk
include tests/targets/targets.mk

tests-build: $(UNIT_TESTS) $(TEST_TARGETS)

.PHONY: tests-build
