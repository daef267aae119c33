# Helper makefile: print TEST_GEN_PROGS of a kselftest Makefile.
harness-print-progs:
	@echo $(TEST_GEN_PROGS)
