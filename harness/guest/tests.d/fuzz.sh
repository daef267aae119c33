#!/bin/sh
# Hostile input for the writable mpol files (mpol_fuzz.c): crafted and
# random writes, each checked against a reference parser. FUZZ_ARGS may
# add "-s SEED" and a count (default 10000 random writes).
exec mpol_fuzz ${FUZZ_ARGS:-}
