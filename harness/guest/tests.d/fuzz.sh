#!/bin/sh
# Hostile input for the writable mpol files (mpol_fuzz.c): crafted and
# random writes, each checked against a reference parser. FUZZ_ARGS may
# add "-s SEED" and a count (default 10000 random writes).
#
# On the debug kernel (KASAN, lockdep, kmemleak: found by its debugfs
# file) a write and the reads that check it cost far more: there the
# crafted inputs (4831 with mpol.migrate's, mpol.scope's and the auto key's) and 200 random ones run, 133 s
# on 2026-12-02; the 10000 random ones run on the default kernel (16 s).
if [ -z "${FUZZ_ARGS:-}" ] && [ -e /sys/kernel/debug/kmemleak ]; then
	FUZZ_ARGS=200
fi
exec mpol_fuzz ${FUZZ_ARGS:-}
