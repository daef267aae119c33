# mpol: build, boot and test harness. See README.md.
#
#   make check [TESTS="test_mpol"] [DEBUG=1] [ACCEL=kvm]   build, boot, run tests (TAP)
#   make demo                                              boot and run harness/guest/demo.sh
#   make shell                                             boot to an interactive shell
#   make bench [BENCH_REPS=7] [BENCH_ICOUNT=0]             benchmarks -> bench/RESULTS.md
#   make build                                             kernel + selftests + initramfs only
#   make series                                            export the series to build/series-out/
#   make matrix                                            build each series commit, MPOL=n, NUMA=n
#   make clients [CLIENTS_TESTS=clients_crun]              crun/systemd/cgroup-tools in a Debian VM (TAP)
#   make clean                                             remove build/ (keeps ~/.ccache)

SHELL := /bin/bash
H := harness
export TESTS DEBUG STOCK BENCH_BUILD EXTRA_TESTS_DIR ACCEL JOBS VM_TIMEOUT TEST_TIMEOUT QEMU_EXTRA KERNEL_CMDLINE_EXTRA BENCH_REPS BENCH_ICOUNT BENCH_STOCK STRESS_SECONDS NO_DEBUG NO_CLIENTS

.PHONY: all check demo shell bench build deps prepare series matrix clients clean help
all: check

help:
	@sed -n '3,12p' Makefile

check:
	@$(H)/check.sh

demo: build
	@$(H)/run-vm.sh demo

shell: build
	@$(H)/run-vm.sh shell

# the bench kernel is its own variant (config/bench.config, build/obj-bench)
bench: prepare
	@BENCH_BUILD=1 $(H)/build.sh
	@BENCH_BUILD=1 bench/run.sh

build: prepare
	@$(H)/build.sh

prepare: deps
	@$(H)/prepare-tree.sh

deps:
	@$(H)/deps.sh

series: deps
	@$(H)/series.sh

matrix: series
	@$(H)/matrix.sh

# the Debian client tests (harness/clients.sh, docs/using-mpol.md)
export CLIENTS_TESTS CLIENTS_KEEP
clients: build
	@$(H)/clients.sh

clean:
	rm -rf build
