# Host unit tests: build/test-* print PASS/FAIL lines; `make unit-check` runs them.

UNIT_TESTS := $(BUILD)/test-parse $(BUILD)/test-format $(BUILD)/test-lib
UNIT_TESTS += $(BUILD)/test-unwind
UNIT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/*.c))

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) -Icli -Ilib -c -o $@ $<

$(BUILD)/test-parse: $(BUILD)/tests/unit/test-parse.o $(BUILD)/cli/parse.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

# The CLI's printers and the saved-event reader, without its commands.
CLI_REPORT_OBJS := $(addprefix $(BUILD)/cli/,format.o parse.o json.o report.o \
		     report_text.o report_json.o report_folded.o report_read.o)

$(BUILD)/test-format: $(BUILD)/tests/unit/test-format.o $(CLI_REPORT_OBJS) \
		      $(BUILD)/libvmon.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBVMON_LIBS)

UNIT_TESTS += $(BUILD)/test-report
$(BUILD)/test-report: $(BUILD)/tests/unit/test-report.o $(CLI_REPORT_OBJS) \
		      $(BUILD)/libvmon.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBVMON_LIBS)

# Linked with the objects, not the .so: the tests reach hidden internals.
$(BUILD)/test-lib: $(BUILD)/tests/unit/test-lib.o $(LIB_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBVMON_LIBS)

# Runs from the repository root: it starts the build/vmon-stack* targets.
$(BUILD)/test-unwind: $(BUILD)/tests/unit/test-unwind.o $(LIB_OBJS) \
		      $(BUILD)/vmon-stack $(BUILD)/vmon-stack-fp \
		      $(BUILD)/vmon-stack-nopie $(BUILD)/vmon-stack-cxx \
		      $(BUILD)/vmon-stack-debuglink
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^) $(LIBVMON_LIBS)

# Runs from the repository root: it starts build/vmon-vars* and build/vmon.
UNIT_TESTS += $(BUILD)/test-resolve
$(BUILD)/test-resolve: $(BUILD)/tests/unit/test-resolve.o $(BUILD)/libvmon.a \
		       $(BUILD)/vmon $(BUILD)/vmon-vars $(BUILD)/vmon-vars-nodebug
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o %.a,$^) $(LIBVMON_LIBS)

# Runs from the repository root: it starts build/vmon.
UNIT_TESTS += $(BUILD)/test-cli
$(BUILD)/test-cli: $(BUILD)/tests/unit/test-cli.o $(BUILD)/vmon
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.o,$^)

# The macros' type checks are compile errors: it compiles snippets with
# $(CC) and $(CXX) against the sources here.  --wrap lets it see what the
# macros pass on without a kernel.
UNIT_TESTS += $(BUILD)/test-self
$(BUILD)/tests/unit/test-self.o: USER_CFLAGS += -DTEST_CC='"$(CC)"' \
	-DTEST_CXX='"$(CXX)"' -DTEST_SRCDIR='"$(CURDIR)"'
$(BUILD)/test-self: $(BUILD)/tests/unit/test-self.o $(BUILD)/libvmon.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -pthread -Wl,--wrap=vmon_self_watch \
		-Wl,--wrap=vmon_compat_start -o $@ $^ $(LIBVMON_LIBS)

unit-check: $(UNIT_TESTS)
	@rc=0; for t in $(UNIT_TESTS); do $$t || rc=1; done; exit $$rc

.PHONY: unit-check

-include $(UNIT_OBJS:.o=.d)
