#!/bin/sh
# Hostile input for the writable mpol files (mpol_fuzz.c): crafted and
# random writes, each checked against a reference parser. FUZZ_ARGS may
# add "-s SEED" and a count (default 10000 random writes).
#
# On the debug kernel (KASAN, lockdep, kmemleak: found by its debugfs
# file) a write and the reads that check it cost about 100 times more
# (the 1956 crafted inputs take ~5 minutes): there the crafted inputs and
# 200 random ones run; the 10000 run on the default kernel.
if [ -z "${FUZZ_ARGS:-}" ] && [ -e /sys/kernel/debug/kmemleak ]; then
	FUZZ_ARGS=200
fi
exec mpol_fuzz ${FUZZ_ARGS:-}
