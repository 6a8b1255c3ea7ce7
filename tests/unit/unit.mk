# Host unit tests: build/test-* print PASS/FAIL lines; `make unit-check` runs them.

UNIT_TESTS := $(BUILD)/test-parse $(BUILD)/test-format $(BUILD)/test-lib
UNIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/*.c))

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -Icli -Ilib -c -o $@ $<

$(BUILD)/test-parse: $(BUILD)/tests/unit/test-parse.o $(BUILD)/cli/parse.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/test-format: $(BUILD)/tests/unit/test-format.o $(BUILD)/cli/format.o \
		      $(BUILD)/cli/parse.o $(BUILD)/libvmon.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBVMON_LIBS)

# Linked with the objects, not the .so: the tests reach hidden internals.
$(BUILD)/test-lib: $(BUILD)/tests/unit/test-lib.o $(LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBVMON_LIBS)

unit-check: $(UNIT_TESTS)
	@rc=0; for t in $(UNIT_TESTS); do $$t || rc=1; done; exit $$rc

.PHONY: unit-check

-include $(UNIT_OBJS:.o=.d)
