// SPDX-License-Identifier: GPL-2.0
/*
 * mpol_fuzz - hostile input for the writable mpol files.
 *
 *   mpol_fuzz [-s SEED] [-B] [COUNT]
 *
 *   COUNT   random writes after the crafted ones (default 10000)
 *   -s      PRNG seed (default 0x6d706f6c, printed; a failure is
 *           reproduced by running again with the same seed and count)
 *   -B      break the reference parser on purpose (weight 256 "valid",
 *           "local" "invalid", weight 7 not applied to the model, rate
 *           4095 "valid", scope "Anon" "valid", "auto On" "valid"): the
 *           run must fail; shows that the checks can fail
 *
 * Every input is written, as one write(2), to mpol.policy, mpol.weights,
 * mpol.migrate or mpol.scope of a test cgroup T or of its child C (P/T/C,
 * P with a policy, a weight, a migration setting and a scope of its own,
 * so that inheritance is visible in all four).  A reference
 * parser written from the interface documentation (the "oracle") says
 * whether the input is valid and what it sets, or which errno refuses it.
 * After each write, all mpol files of P, T and C (and the root's
 * effective files) are read back and compared with what the oracle's
 * model of the hierarchy predicts: a refused write must leave them byte
 * for byte as they were, an accepted one must change exactly what it set.
 *
 * The oracle follows Documentation/admin-guide/cgroup-v2.rst (patch 0003)
 * and SPEC.md; where they are silent it follows the kernel's conventions
 * for cgroup files, and says so at each such place:
 *  - kernfs: a write longer than PAGE_SIZE fails with E2BIG (cgroup files
 *    have atomic_write_len = PAGE_SIZE), an empty write returns 0 and does
 *    nothing (cgroup_file_write()).
 *  - Values are stripped of leading and trailing white space as strstrip()
 *    does, with the kernel's isspace() (which includes 0xa0).
 *  - NODELIST is the kernel's list syntax (bitmap_parselist(), the same as
 *    cpuset.mems): "all", "N", ranges, "range:used/group" patterns, empty
 *    entries between commas.
 *  - Numbers in mpol.weights follow kstrtouint()/kstrtoint() in base 10
 *    (an optional sign, leading zeros).
 * What the documentation does say, the oracle enforces:
 *  - mpol.policy takes one value: white space inside it (a second line,
 *    a blank) is a syntax error (EINVAL);
 *  - mpol.weights takes lines "NODE WEIGHT" or "NODE default", each for
 *    another node, all applied or none; blank lines are ignored; inside
 *    a line only blanks (space, tab) separate NODE and WEIGHT, other white
 *    space is a syntax error; a node named twice is EINVAL; the first bad
 *    line decides the errno;
 *  - an embedded NUL is a syntax error (EINVAL);
 *  - a node number that is not a possible node is ENODEV, however large;
 *  - a weight outside [1, 255] is ERANGE, however large; a weight that is
 *    not a number (or "default") is EINVAL.
 *
 * mpol.migrate (/tmp/mig-spec.md, SPEC.md section 8) takes "inherit",
 * "off", "on", "on RATE" or "pass"; where the interface text is silent the
 * oracle follows the conventions of mpol.weights above, and says so:
 *  - RATE is bytes per second, decimal digits with an optional suffix K,
 *    M or G (powers of 1024, upper case as documented); 4K..64G, else
 *    ERANGE however large (also with a suffix: "17179869185G" must not
 *    wrap); anything else is EINVAL ("on x", "on 64M extra", "on 64m",
 *    "on K": no digits).  Not documented, refused as EINVAL: a sign, a
 *    base prefix and a leading zero ("010", which memparse() would read
 *    as octal 8);
 *  - "on" and RATE are separated by blanks (space, tab), as NODE and
 *    WEIGHT are in mpol.weights; other white space inside the value (a
 *    line break, \v, \f, \r, 0xa0) is EINVAL, as in mpol.policy;
 *  - a value of white space only is empty: a no-op, like an empty write
 *    (mpol.policy refuses it: EINVAL);
 *  - "pass" changes no file; "pass 1", "off 5", "inherit 1" are EINVAL;
 *  - the value read back is normalized: "inherit", "off", "on" (no rate
 *    given) or "on RATE" with the largest suffix that divides RATE;
 *    mpol.migrate.effective is "off" or "on RATE" ("on" is "on 32M"),
 *    the root's "off".
 * mpol.scope (/work/notes/scope-spec.md, SPEC.md section 10) takes exactly
 * one of "inherit", "all", "anon", case-sensitive, stripped as strstrip()
 * does; anything else is EINVAL: another word, a prefix or an extension
 * ("anon2", "al"), white space inside ("inherit x", "an on", a second
 * line), a NUL anywhere, and a value of white space only (unlike
 * mpol.migrate, where that is a no-op; a write of 0 bytes does not reach
 * the file's handler and is a no-op everywhere).  mpol.scope reads back
 * the own word, mpol.scope.effective the resolved one: "inherit" takes
 * the parent's, the root's is "all".  A change of the effective scope of
 * a cgroup that migrates starts a pass, as a policy change does.
 *
 * The "auto" key of mpol.weights (/work/notes/auto-spec.md, SPEC.md
 * section 9): a line that starts with "auto" (after strstrip()) is
 * "auto", blanks (space, tab), then exactly "on", "off" or "default";
 * anything else is EINVAL ("auto", "autoon", "auto on x", "auto On",
 * "auto\von"), and so is a second "auto" line in one write.  It goes with
 * NODE WEIGHT lines in one write, all or nothing; the first bad line
 * decides the errno.  mpol.weights reads back the overrides, then "auto
 * on" or "auto off" (nothing for "default").  While auto is in effect
 * (own "on", or "default" and the parent's in effect; never at the root)
 * mpol.weights.effective is nested keyed, one line per node with CPUs:
 * "initiatorI N=W ... fallback=F"; the oracle takes the tables from a
 * reference cgroup with "auto on" and no overrides (their format checked
 * once: every node with CPUs, every possible node, weights 1..255) and
 * predicts every auto cgroup's file as that table under its effective
 * overrides, in every initiator line.  The key is used only if the
 * kernel takes "auto default" at setup.
 *
 * mpol.stat is not predictable byte for byte (the passes run
 * asynchronously), so every read of P's, T's and C's is checked instead:
 * the migrate_* keys in order, the invariants (scanned = placed + moved +
 * skipped + failed, skipped = the sum of its reasons, started =
 * completed + aborted + active), no counter going back, and no page
 * scanned at all: P, T and C have no member processes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include "mpolt.h"

#define PAGE		4096
#define BIGBUF		(64 * 1024 + 16)
#define FILEBUF		8192
#define MAX_BITS	1024	/* largest MAX_NUMNODES the oracle supports */
#define MAX_REPORTS	40

enum { M_INHERIT, M_LOCAL, M_PREFERRED, M_PREFERRED_MANY, M_BIND,
	M_INTERLEAVE, M_WEIGHTED, NR_MODES };

static const char * const mode_names[NR_MODES] = {
	"inherit", "local", "preferred", "preferred-many", "bind",
	"interleave", "weighted-interleave",
};

/* mpol.migrate: own settings */
enum { MIG_INHERIT, MIG_OFF, MIG_ON };

/* mpol.scope: own settings */
enum { SC_INHERIT, SC_ALL, SC_ANON };

static const char * const scope_names[] = { "inherit", "all", "anon" };

/* mpol.weights "auto": own settings */
enum { AW_DEFAULT, AW_ON, AW_OFF };

static const char * const auto_names[] = { "default", "on", "off" };

/* The writable files */
enum { F_POLICY, F_WEIGHTS, F_MIGRATE, F_SCOPE, NR_WFILES };

static const char * const wfile_names[NR_WFILES] = {
	"mpol.policy", "mpol.weights", "mpol.migrate", "mpol.scope",
};

/* Model of one cgroup's own settings */
struct cg {
	const char *label;
	char path[128];
	struct cg *parent;		/* NULL for the root */
	int mode;
	bool all;			/* MODE without a node list */
	uint64_t nodes;
	unsigned int w[MPOLT_MAXNODE];	/* own overrides, 0 for none */
	int mig;			/* MIG_* */
	uint64_t rate;			/* of "on RATE", 0 for "on" */
	int scope;			/* SC_* */
	int autow;			/* AW_*: the auto key of mpol.weights */
	int wfd[NR_WFILES];		/* kept open: one write per input */
	struct migstat stat;		/* the last mpol.stat read */
};

/* What the oracle says about one input */
struct verdict {
	int err;		/* 0: accepted; else the errno of the refusal */
	bool noop;		/* accepted, changes nothing */
	int mode;		/* mpol.policy: the new own setting */
	bool all;
	uint64_t nodes;
	int upd[MPOLT_MAXNODE];	/* mpol.weights: new weight per node, 0 for
				 * "default", -1 for not named */
	int mig;		/* mpol.migrate: the new own setting */
	uint64_t rate;
	bool pass;		/* "pass": a request, changes no file */
	int scope;		/* mpol.scope: the new own setting */
	int autow;		/* mpol.weights: the new auto setting (AW_*),
				 * -1 for not named */
};

/*
 * What check_files() compares; 6 and 7 only with mpol.migrate, 8 and 9
 * only with mpol.scope
 */
static const char * const files[] = {
	"mpol.policy", "mpol.policy.effective", "mpol.weights",
	"mpol.weights.effective", "mpol.events", "mpol.events.local",
	"mpol.migrate", "mpol.migrate.effective",
	"mpol.scope", "mpol.scope.effective",
};
#define NR_FILES	(sizeof(files) / sizeof(files[0]))

static uint64_t possible;
static int max_numnodes = 64;	/* CONFIG_NODES_SHIFT=6 in the test kernel */
static unsigned int global_w[MPOLT_MAXNODE];
static bool sabotage;
static bool has_migrate;	/* the kernel has mpol.migrate */
static bool has_scope;		/* the kernel has mpol.scope */
static bool has_auto;		/* mpol.weights takes "auto" */
static uint64_t has_cpu;	/* the initiators of the auto tables */
/* The auto tables without overrides: [initiator][node], fallback= */
static unsigned int auto_w[MPOLT_MAXNODE][MPOLT_MAXNODE];
static int auto_fallback[MPOLT_MAXNODE];
static unsigned int nr_wfiles = 2;	/* of wfile_names[] the kernel has */
static struct cg root = { .label = "root", .path = MPOLT_CGROOT };
static struct cg cg_p = { .label = "P" }, cg_t = { .label = "T" };
static struct cg cg_c = { .label = "C" };
static char snap_events[3][2][256];	/* P, T, C: events, events.local */

static long tried, accepted, noops, disagreements, state_errors;
static long stat_reads, stat_errors, passes_requested;
static long reports_left = MAX_REPORTS;

/* Disagreements by kind: file, kernel's errno, oracle's errno */
static long dis_kind[NR_WFILES][256][256];
static long refused[256];

/* --- PRNG: splitmix64, reproducible from the printed seed ------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rn(unsigned int n)
{
	return n ? rnd() % n : 0;
}

/* --- the oracle ------------------------------------------------------- */

/* The kernel's isspace() (lib/ctype.c): \t \n \v \f \r, space and 0xa0 */
static bool kspace(unsigned char c)
{
	return (c >= 9 && c <= 13) || c == ' ' || c == 0xa0;
}

/* Strip as strstrip() does; returns the start, sets *len. */
static const char *strip(const char *s, size_t *len)
{
	size_t n = *len;

	while (n && kspace(s[n - 1]))
		n--;
	while (n && kspace(*s)) {
		s++;
		n--;
	}
	*len = n;
	return s;
}

/*
 * A decimal number of the list syntax at *p, or "N" (the highest bit).
 * Returns 0, -EINVAL (no digits) or -EOVERFLOW (past unsigned int).
 */
static int list_num(const char **p, const char *end, uint64_t *num)
{
	const char *s = *p;
	bool over = false;
	uint64_t n = 0;

	if (s < end && *s == 'N') {
		*num = max_numnodes - 1;
		*p = s + 1;
		return 0;
	}
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		n = n * 10 + (*s - '0');
		if (n > 0xffffffffULL)
			over = true;
	}
	if (s == *p)
		return -EINVAL;
	*p = s;
	*num = n;
	return over ? -EOVERFLOW : 0;
}

/*
 * The kernel's node list syntax (bitmap_parselist() with MAX_NUMNODES
 * bits), on a value that has no white space.  Each entry is "all" or
 * NUM[-NUM], optionally followed by ":USED/GROUP" (every GROUP nodes, the
 * first USED); entries are separated by commas, and a pattern may be
 * followed directly by the next entry.  Numbers are compared as numbers
 * (64-bit): a node past MAX_NUMNODES is out of range whatever its size.
 * Returns 0, -EINVAL, -ERANGE (a node past MAX_NUMNODES) or -EOVERFLOW.
 */
static int parse_list(const char *s, const char *end, uint64_t *mask,
		      bool *beyond)
{
	*mask = 0;
	*beyond = false;
	while (s < end) {
		uint64_t start, last, used, group, b;
		int ret;

		if (*s == ',') {
			s++;
			continue;
		}
		if (end - s >= 3 && !strncasecmp(s, "all", 3)) {
			start = 0;
			last = max_numnodes - 1;
			s += 3;
		} else {
			ret = list_num(&s, end, &start);
			if (ret)
				return ret;
			last = start;
			if (s < end && *s == '-') {
				s++;
				ret = list_num(&s, end, &last);
				if (ret)
					return ret;
			} else if (s < end && *s != ',') {
				return -EINVAL;
			}
		}
		/*
		 * bitmap_parselist() keeps these in an unsigned int: for a
		 * last node of 4294967295 the group length wraps to 0 and
		 * the region is refused as malformed (EINVAL) before its
		 * range is checked, as cpuset.mems does.
		 */
		used = group = (uint32_t)(last + 1);
		if (s < end && *s == ':') {
			s++;
			ret = list_num(&s, end, &used);
			if (ret)
				return ret;
			if (s >= end || *s != '/')
				return -EINVAL;
			s++;
			ret = list_num(&s, end, &group);
			if (ret)
				return ret;
		} else if (s < end && *s != ',') {
			return -EINVAL;
		}
		if (start > last || !group || used > group)
			return -EINVAL;
		if (last >= (uint64_t)max_numnodes)
			return -ERANGE;
		for (b = start; b <= last; b++) {
			if ((b - start) % group >= used)
				continue;
			if (b < MPOLT_MAXNODE)
				*mask |= 1ULL << b;
			else
				*beyond = true;
		}
	}
	return 0;
}

/* mpol.policy: "inherit", "local", "MODE" or "MODE:NODELIST" */
static void oracle_policy(const char *in, size_t len, struct verdict *v)
{
	const char *s, *colon, *end;
	bool beyond;
	size_t i, n;
	int ret;

	memset(v, 0, sizeof(*v));
	if (!len) {			/* cgroup_file_write(): nothing to do */
		v->noop = true;
		return;
	}
	if (len > PAGE) {		/* kernfs: atomic_write_len */
		v->err = E2BIG;
		return;
	}
	if (memchr(in, '\0', len)) {
		v->err = EINVAL;
		return;
	}
	n = len;
	s = strip(in, &n);
	end = s + n;
	for (i = 0; i < n; i++) {
		if (kspace(s[i])) {	/* one value, nothing inside it */
			v->err = EINVAL;
			return;
		}
	}
	colon = memchr(s, ':', n);
	n = colon ? (size_t)(colon - s) : n;
	for (v->mode = 0; v->mode < NR_MODES; v->mode++)
		if (strlen(mode_names[v->mode]) == n &&
		    !memcmp(s, mode_names[v->mode], n))
			break;
	if (v->mode == NR_MODES) {
		v->err = EINVAL;
		return;
	}
	if (v->mode == M_INHERIT || v->mode == M_LOCAL) {
		v->err = colon ? EINVAL : 0;
		return;
	}
	if (!colon) {
		/* "preferred" names one node: there is no "every node" */
		v->err = v->mode == M_PREFERRED ? EINVAL : 0;
		v->all = true;
		return;
	}
	ret = parse_list(colon + 1, end, &v->nodes, &beyond);
	if (ret == -ERANGE || ret == -EOVERFLOW) {
		v->err = ENODEV;	/* a number past any node */
		return;
	}
	if (ret) {
		v->err = -ret;
		return;
	}
	if (!v->nodes && !beyond)
		v->err = EINVAL;
	else if (beyond || (v->nodes & ~possible))
		v->err = ENODEV;
	else if (v->mode == M_PREFERRED && __builtin_popcountll(v->nodes) != 1)
		v->err = EINVAL;
	if (sabotage && v->mode == M_LOCAL)
		v->err = EINVAL;
}

/* A token that kstrtouint/kstrtoint (base 10) would read as a number */
static bool num_token(const char *s, size_t n, bool sign, bool *neg,
		      uint64_t *val, bool *big)
{
	size_t i = 0;

	*neg = false;
	*big = false;
	*val = 0;
	if (n && s[0] == '+') {
		i++;
	} else if (n && s[0] == '-' && sign) {
		*neg = true;
		i++;
	}
	if (i == n)
		return false;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (*val > 100000000000ULL)
			*big = true;
		else
			*val = *val * 10 + (s[i] - '0');
	}
	return true;
}

/*
 * One line of mpol.weights, stripped and not empty: "NODE WEIGHT" or
 * "NODE default".  Returns 0 or the errno; sets *nid and *weight.
 */
static int weights_line(const char *s, size_t n, int *nid, int *weight)
{
	const char *sep, *wt, *end = s + n;
	bool neg, big;
	uint64_t val;
	size_t i;

	/* NODE, blanks, WEIGHT; no other white space anywhere */
	for (sep = s; sep < end && *sep != ' ' && *sep != '\t'; sep++)
		if (kspace(*sep))
			return EINVAL;
	for (wt = sep; wt < end && (*wt == ' ' || *wt == '\t'); wt++)
		;
	if (wt == end)
		return EINVAL;
	n = end - wt;
	for (i = 0; i < n; i++)
		if (kspace(wt[i]))
			return EINVAL;
	if (!num_token(s, sep - s, false, &neg, &val, &big))
		return EINVAL;
	if (big || val >= MPOLT_MAXNODE || !(possible & (1ULL << val)))
		return ENODEV;
	*nid = val;
	if (n == 7 && !memcmp(wt, "default", 7)) {
		*weight = 0;
		return 0;
	}
	if (!num_token(wt, n, true, &neg, &val, &big))
		return EINVAL;
	if (neg || big || val < 1 || (val > 255 && !(sabotage && val == 256)))
		return ERANGE;
	*weight = val;
	return 0;
}

static bool word_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && !memcmp(s, word, n);
}

/*
 * A line that starts with "auto" (stripped, not empty): blanks, then
 * exactly "on", "off" or "default"; "auto" a second time is EINVAL.
 * Returns 0 or the errno; sets v->autow.
 */
static int auto_line(const char *s, size_t n, struct verdict *v)
{
	const char *val = s + 4, *end = s + n;
	int a;

	if (val == end || (*val != ' ' && *val != '\t'))
		return EINVAL;
	while (val < end && (*val == ' ' || *val == '\t'))
		val++;
	if (v->autow >= 0)
		return EINVAL;		/* named twice */
	for (a = 0; a < (int)ARRAY_SIZE(auto_names); a++)
		if (word_is(val, end - val, auto_names[a]))
			break;
	/* -B: a case variant of "on" taken for "on" */
	if (a == (int)ARRAY_SIZE(auto_names) && sabotage &&
	    word_is(val, end - val, "On"))
		a = AW_ON;
	if (a == (int)ARRAY_SIZE(auto_names))
		return EINVAL;
	v->autow = a;
	return 0;
}

/*
 * mpol.weights: lines of "NODE WEIGHT" or "NODE default", each for
 * another node, and (has_auto) one "auto on|off|default", applied
 * together or not at all; blank lines are ignored.  The first bad line
 * decides the errno; a node named again is EINVAL.
 */
static void oracle_weights(const char *in, size_t len, struct verdict *v)
{
	const char *s = in, *end = in + len;
	int nid, weight, lines = 0;

	memset(v, 0, sizeof(*v));
	v->autow = -1;
	for (nid = 0; nid < MPOLT_MAXNODE; nid++)
		v->upd[nid] = -1;
	if (len > PAGE) {		/* kernfs: atomic_write_len */
		v->err = E2BIG;
		return;
	}
	if (memchr(in, '\0', len)) {
		v->err = EINVAL;
		return;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', end - s), *line;
		size_t n = (nl ? nl : end) - s;

		line = strip(s, &n);
		s = nl ? nl + 1 : end;
		if (!n)
			continue;
		if (has_auto && n >= 4 && !memcmp(line, "auto", 4)) {
			v->err = auto_line(line, n, v);
			if (v->err)
				return;
			lines++;
			continue;
		}
		v->err = weights_line(line, n, &nid, &weight);
		if (!v->err && v->upd[nid] >= 0)
			v->err = EINVAL;	/* named twice */
		if (v->err)
			return;
		v->upd[nid] = weight;
		lines++;
	}
	v->noop = !lines;
}

/*
 * The RATE of "on RATE" (@n > 0 bytes without white space): digits and
 * an optional K, M or G.  Returns 0 or the errno; sets *rate.
 */
static int migrate_rate(const char *s, size_t n, uint64_t *rate)
{
	uint64_t val = 0;
	unsigned int shift = 0;
	bool big = false;
	size_t i;

	if (n > 1 && (s[n - 1] == 'K' || s[n - 1] == 'M' || s[n - 1] == 'G')) {
		shift = s[n - 1] == 'K' ? 10 : s[n - 1] == 'M' ? 20 : 30;
		n--;
	}
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return EINVAL;	/* also "on K": no digits */
	if (s[0] == '0' && n > 1)
		return EINVAL;		/* a leading zero: octal to memparse() */
	for (i = 0; i < n; i++) {
		if (val > MIGRATE_RATE_MAX)
			big = true;
		else
			val = val * 10 + (s[i] - '0');
	}
	if (big || val > MIGRATE_RATE_MAX >> shift)
		return ERANGE;
	val <<= shift;
	if (val < MIGRATE_RATE_MIN && !(sabotage && val == MIGRATE_RATE_MIN - 1))
		return ERANGE;
	*rate = val;
	return 0;
}

/*
 * mpol.migrate: "inherit", "off", "on", "on RATE" or "pass".  One word,
 * or "on", blanks and RATE; other white space inside is EINVAL.
 */
static void oracle_migrate(const char *in, size_t len, struct verdict *v)
{
	const char *s, *end, *sep, *r, *q;
	size_t n;

	memset(v, 0, sizeof(*v));
	if (!len) {			/* cgroup_file_write(): nothing to do */
		v->noop = true;
		return;
	}
	if (len > PAGE) {		/* kernfs: atomic_write_len */
		v->err = E2BIG;
		return;
	}
	if (memchr(in, '\0', len)) {
		v->err = EINVAL;
		return;
	}
	n = len;
	s = strip(in, &n);
	end = s + n;
	if (!n) {			/* only white space: empty, a no-op */
		v->noop = true;
		return;
	}
	for (sep = s; sep < end && *sep != ' ' && *sep != '\t'; sep++) {
		if (kspace(*sep)) {
			v->err = EINVAL;
			return;
		}
	}
	n = sep - s;
	if (sep == end) {
		if (word_is(s, n, "inherit"))
			v->mig = MIG_INHERIT;
		else if (word_is(s, n, "off"))
			v->mig = MIG_OFF;
		else if (word_is(s, n, "on"))
			v->mig = MIG_ON;
		else if (word_is(s, n, "pass"))
			v->pass = true;
		else
			v->err = EINVAL;
		return;
	}
	/* a second word: only after "on" ("off 5", "pass 1" are EINVAL) */
	if (!word_is(s, n, "on")) {
		v->err = EINVAL;
		return;
	}
	for (r = sep; *r == ' ' || *r == '\t'; r++)
		;			/* r < end: the value is stripped */
	for (q = r; q < end; q++) {
		if (kspace(*q)) {	/* a line break, a third word */
			v->err = EINVAL;
			return;
		}
	}
	v->err = migrate_rate(r, end - r, &v->rate);
	v->mig = MIG_ON;
}

/*
 * mpol.scope: exactly "inherit", "all" or "anon" once stripped; a value
 * of white space only is EINVAL (scope-spec.md: "an empty write").
 */
static void oracle_scope(const char *in, size_t len, struct verdict *v)
{
	const char *s;
	size_t n;

	memset(v, 0, sizeof(*v));
	if (!len) {			/* cgroup_file_write(): nothing to do */
		v->noop = true;
		return;
	}
	if (len > PAGE) {		/* kernfs: atomic_write_len */
		v->err = E2BIG;
		return;
	}
	if (memchr(in, '\0', len)) {
		v->err = EINVAL;
		return;
	}
	n = len;
	s = strip(in, &n);
	v->err = EINVAL;
	for (v->scope = 0; v->scope < (int)ARRAY_SIZE(scope_names); v->scope++)
		if (word_is(s, n, scope_names[v->scope]))
			break;
	if (v->scope < (int)ARRAY_SIZE(scope_names))
		v->err = 0;
	if (v->err && sabotage && word_is(s, n, "Anon")) {
		v->scope = SC_ANON;
		v->err = 0;
	}
}

/* --- the model's view of the files ------------------------------------ */

static void render_policy(int mode, bool all, uint64_t nodes, char *buf,
			  size_t size)
{
	char list[256];

	if (mode == M_INHERIT || mode == M_LOCAL || all)
		snprintf(buf, size, "%s\n", mode_names[mode]);
	else
		snprintf(buf, size, "%s:%s\n", mode_names[mode],
			 fmt_nodes(nodes, list, sizeof(list)));
}

static void render_migrate(int mig, uint64_t rate, char *buf, size_t size)
{
	char r[32];

	if (mig == MIG_ON && rate)
		snprintf(buf, size, "on %s\n", fmt_rate(rate, r, sizeof(r)));
	else
		snprintf(buf, size, "%s\n", mig == MIG_ON ? "on" :
			 mig == MIG_OFF ? "off" : "inherit");
}

/* mpol.migrate.effective: the rate in force, 0 for "off" */
static uint64_t eff_rate(const struct cg *c)
{
	for (; c && c->parent; c = c->parent) {
		if (c->mig == MIG_OFF)
			return 0;
		if (c->mig == MIG_ON)
			return c->rate ?: MIGRATE_RATE_DEFAULT;
	}
	return 0;			/* the root's: "off" */
}

/* mpol.scope.effective: SC_ALL or SC_ANON; the root's is "all" */
static int eff_scope(const struct cg *c)
{
	for (; c && c->parent; c = c->parent)
		if (c->scope != SC_INHERIT)
			return c->scope;
	return SC_ALL;
}

static const struct cg *eff_policy_cg(const struct cg *c)
{
	while (c && c->mode == M_INHERIT)
		c = c->parent;
	return c;
}

/* Auto in effect: own "on", or "default" and the parent's; never the root */
static bool eff_auto(const struct cg *c)
{
	for (; c && c->parent; c = c->parent)
		if (c->autow != AW_DEFAULT)
			return c->autow == AW_ON;
	return false;
}

/* The effective override of @nid (own, else inherited), 0 for none */
static unsigned int eff_override(const struct cg *c, int nid)
{
	for (; c && c->parent; c = c->parent)
		if (c->w[nid])
			return c->w[nid];
	return 0;
}

/* mpol.weights.effective under auto: the tables under the overrides */
static void render_auto_eff(const struct cg *c, char *buf, size_t size)
{
	size_t off = 0;
	int i, nid;

	buf[0] = '\0';
	for (i = 0; i < MPOLT_MAXNODE && off < size; i++) {
		if (!(has_cpu & (1ULL << i)))
			continue;
		off += snprintf(buf + off, size - off, "initiator%d", i);
		for (nid = 0; nid < MPOLT_MAXNODE && off < size; nid++)
			if (possible & (1ULL << nid))
				off += snprintf(buf + off, size - off, " %d=%u",
						nid, eff_override(c, nid) ?:
						auto_w[i][nid]);
		if (off < size)
			off += snprintf(buf + off, size - off, " fallback=%d\n",
					auto_fallback[i]);
	}
}

static unsigned int eff_weight(const struct cg *c, int nid)
{
	for (; c && c->parent; c = c->parent)
		if (c->w[nid])
			return c->w[nid];
	return global_w[nid];
}

/* The expected text of files[@f] of @c; false for the event files. */
static bool expected(const struct cg *c, unsigned int f, char *buf,
		     size_t size)
{
	const struct cg *e;
	size_t off = 0;
	int nid;

	buf[0] = '\0';
	switch (f) {
	case 0:
		render_policy(c->mode, c->all, c->nodes, buf, size);
		return true;
	case 1:
		e = eff_policy_cg(c);
		if (!e || !e->parent)
			snprintf(buf, size, "local\n");
		else
			render_policy(e->mode, e->all, e->nodes, buf, size);
		return true;
	case 2:
		for (nid = 0; nid < MPOLT_MAXNODE; nid++)
			if (c->w[nid])
				off += snprintf(buf + off, size - off, "%d %u\n",
						nid, c->w[nid]);
		if (c->autow != AW_DEFAULT)
			snprintf(buf + off, size - off, "auto %s\n",
				 auto_names[c->autow]);
		return true;
	case 3:
		if (eff_auto(c)) {
			render_auto_eff(c, buf, size);
			return true;
		}
		for (nid = 0; nid < MPOLT_MAXNODE; nid++)
			if (possible & (1ULL << nid))
				off += snprintf(buf + off, size - off, "%d %u\n",
						nid, eff_weight(c, nid));
		return true;
	case 6:
		render_migrate(c->mig, c->rate, buf, size);
		return true;
	case 7:
		if (eff_rate(c))
			render_migrate(MIG_ON, eff_rate(c), buf, size);
		else
			render_migrate(MIG_OFF, 0, buf, size);
		return true;
	case 8:
		snprintf(buf, size, "%s\n", scope_names[c->scope]);
		return true;
	case 9:
		snprintf(buf, size, "%s\n", scope_names[eff_scope(c)]);
		return true;
	}
	return false;
}

/* No override and no auto setting of its own: @c's weights are its parent's */
static bool inherits_weights(const struct cg *c)
{
	int nid;

	for (nid = 0; nid < MPOLT_MAXNODE; nid++)
		if (c->w[nid])
			return false;
	return c->autow == AW_DEFAULT;
}

/* Does the kernel have files[@f]? */
static bool file_present(unsigned int f)
{
	if (f == 6 || f == 7)
		return has_migrate;
	if (f == 8 || f == 9)
		return has_scope;
	return true;
}

static char filebuf[FILEBUF], expbuf[FILEBUF], eff_t[FILEBUF];
static long auto_reads[3];	/* P, T, C: .effective read under auto */
static long inherit_cmps;	/* C's .effective compared with T's */

/*
 * mpol.stat of @c: well-formed, the invariants hold, no counter went back
 * since the last read, and no page was scanned (P, T and C have no member
 * processes).  A bad read counts in stat_errors.
 */
static void check_stat(struct cg *c, const char *ctx)
{
	struct migstat st;
	char why[256];
	bool ok;
	int k;

	stat_reads++;
	if (migstat_read(c->path, &st, why, sizeof(why))) {
		ok = false;
	} else {
		ok = migstat_ok(&st, why, sizeof(why)) &&
		     migstat_monotonic(&c->stat, &st, why, sizeof(why));
		for (k = MGS_SCANNED; ok && k < NR_MIGSTAT; k++) {
			if (!st.v[k])
				continue;
			snprintf(why, sizeof(why),
				 "%s %lld in a cgroup without member processes",
				 migstat_keys[k], st.v[k]);
			ok = false;
		}
		c->stat = st;
	}
	if (!ok && stat_errors++ < MAX_REPORTS)
		diag("after %s: %s/mpol.stat: %s", ctx, c->label, why);
}

/*
 * Compare every mpol file of P, T and C (and the root's effective files)
 * with the model; report the first difference.  Returns the number of
 * files that differ.  mpol.stat is checked on its own (check_stat()).
 */
static int check_files(const char *ctx)
{
	struct cg *cgs[] = { &cg_p, &cg_t, &cg_c, &root };
	char path[256];
	unsigned int i, f;
	int bad = 0;

	for (i = 0; i < 4; i++) {
		if (has_migrate && cgs[i] != &root)
			check_stat(cgs[i], ctx);
		for (f = 0; f < NR_FILES; f++) {
			const char *want = expbuf;
			ssize_t ret;

			if (!file_present(f))
				continue;
			if (cgs[i] == &root && f != 1 && f != 3 && f != 7 &&
			    f != 9)
				continue;	/* not on the root */
			snprintf(path, sizeof(path), "%s/%s", cgs[i]->path,
				 files[f]);
			ret = read_file(path, filebuf, sizeof(filebuf));
			if (!expected(cgs[i], f, expbuf, sizeof(expbuf)))
				want = snap_events[i][f - 4];
			if (f == 3 && i < 3 && eff_auto(cgs[i]))
				auto_reads[i]++;
			if (f == 3 && i == 1)
				snprintf(eff_t, sizeof(eff_t), "%s",
					 ret >= 0 ? filebuf : "");
			/*
			 * Not from the model: C without overrides and auto
			 * settings of its own shows T's file, byte for byte
			 */
			if (f == 3 && i == 2 && ret >= 0 && inherits_weights(&cg_c)) {
				inherit_cmps++;
				if (strcmp(filebuf, eff_t)) {
					want = eff_t;
					goto differs;
				}
			}
			if (ret >= 0 && !strcmp(filebuf, want))
				continue;
differs:
			if (!bad++ && state_errors < MAX_REPORTS) {
				diag("after %s: %s/%s differs", ctx,
				     cgs[i]->label, files[f]);
				diag_hex("  expected", want, strlen(want), 128);
				if (ret < 0)
					diag("  read: %s", strerror(-ret));
				else
					diag_hex("  found", filebuf, ret, 128);
			}
		}
	}
	return bad;
}

/* Make the kernel's state the model's again after a mismatch. */
static void resync(struct cg *c)
{
	char buf[256];
	int nid;

	render_policy(c->mode, c->all, c->nodes, buf, sizeof(buf));
	if (write(c->wfd[F_POLICY], buf, strlen(buf)) < 0)
		diag("resync of %s/mpol.policy failed: %s", c->label,
		     strerror(errno));
	render_migrate(c->mig, c->rate, buf, sizeof(buf));
	if (has_migrate && write(c->wfd[F_MIGRATE], buf, strlen(buf)) < 0)
		diag("resync of %s/mpol.migrate failed: %s", c->label,
		     strerror(errno));
	if (has_scope && write(c->wfd[F_SCOPE], scope_names[c->scope],
			       strlen(scope_names[c->scope])) < 0)
		diag("resync of %s/mpol.scope failed: %s", c->label,
		     strerror(errno));
	for (nid = 0; nid < MPOLT_MAXNODE; nid++) {
		if (!(possible & (1ULL << nid)))
			continue;
		if (c->w[nid])
			snprintf(buf, sizeof(buf), "%d %u", nid, c->w[nid]);
		else
			snprintf(buf, sizeof(buf), "%d default", nid);
		if (write(c->wfd[F_WEIGHTS], buf, strlen(buf)) < 0)
			diag("resync of %s/mpol.weights failed: %s", c->label,
			     strerror(errno));
	}
	snprintf(buf, sizeof(buf), "auto %s", auto_names[c->autow]);
	if (has_auto && write(c->wfd[F_WEIGHTS], buf, strlen(buf)) < 0)
		diag("resync of %s/mpol.weights failed: %s", c->label,
		     strerror(errno));
}

/* --- one input --------------------------------------------------------- */

static void try_input(struct cg *c, int file, const char *buf, size_t len,
		      const char *origin)
{
	struct verdict v;
	char ctx[128];
	ssize_t ret;
	int err;

	if (file == F_WEIGHTS)
		oracle_weights(buf, len, &v);
	else if (file == F_MIGRATE)
		oracle_migrate(buf, len, &v);
	else if (file == F_SCOPE)
		oracle_scope(buf, len, &v);
	else
		oracle_policy(buf, len, &v);

	ret = write(c->wfd[file], buf, len);
	err = ret < 0 ? errno : 0;
	tried++;
	if (err)
		refused[err & 0xff]++;
	else if (v.noop)
		noops++;
	else
		accepted++;
	if (!err && v.pass)
		passes_requested++;

	if (err != v.err || (!err && (size_t)ret != len)) {
		disagreements++;
		dis_kind[file][err & 0xff][v.err & 0xff]++;
		/* details of the first few of each kind */
		if (dis_kind[file][err & 0xff][v.err & 0xff] <= 4 &&
		    reports_left-- > 0) {
			diag("DISAGREEMENT (%s input) on %s/%s: kernel %s%s, oracle %s",
			     origin, c->label, wfile_names[file],
			     err ? "refused: " : "accepted",
			     err ? strerrorname_np(err) : "",
			     v.err ? strerrorname_np(v.err) : "accepts");
			diag_hex("  input", buf, len, 256);
		}
		/*
		 * The kernel took a value the model does not know: put the
		 * model's values back, so the next inputs start from a known
		 * state.  Its effect is not checked (it has already failed).
		 */
		if (!err) {
			resync(c);
			return;
		}
	}
	if (!err && !v.err && !v.noop && !v.pass) {
		if (file == F_MIGRATE) {
			c->mig = v.mig;
			c->rate = v.rate;
		} else if (file == F_SCOPE) {
			c->scope = v.scope;
		} else if (file == F_WEIGHTS) {
			int nid;

			for (nid = 0; nid < MPOLT_MAXNODE; nid++) {
				/* -B: the model misses some writes */
				if (sabotage && v.upd[nid] == 7)
					continue;
				if (v.upd[nid] >= 0)
					c->w[nid] = v.upd[nid];
			}
			if (v.autow >= 0)
				c->autow = v.autow;
		} else {
			c->mode = v.mode;
			c->all = v.all;
			c->nodes = v.nodes;
		}
	}

	snprintf(ctx, sizeof(ctx), "input #%ld (%s, %s/%s, %s)", tried, origin,
		 c->label, wfile_names[file],
		 err ? strerrorname_np(err) : "accepted");
	if (check_files(ctx)) {
		if (++state_errors <= MAX_REPORTS)
			diag_hex("  input", buf, len, 256);
		resync(c);
	}
}

/* --- inputs ------------------------------------------------------------- */

static char gbuf[BIGBUF];

/* Crafted policy values */
static const struct { const char *s; size_t len; } crafted[] = {
#define S(x) { x, sizeof(x) - 1 }
	S(""), S("\n"), S(" "), S("\t\n"), S("local"), S("local\n"),
	S(" local \n"), S("\tlocal\t\n\n"), S("local\xa0"), S("\xa0local"),
	S("local\v"), S("\flocal\r"), S("inherit"), S("inherit\n"),
	S("default"), S("Local"), S("LOCAL"), S("local:"), S("local:0"),
	S("inherit:0"), S("inherit:"), S("loc"), S("localx"), S("local\n\n"),
	S("local\nlocal"), S("bind"), S("bind:"), S("bind:0"), S("bind:0\n"),
	S("bind:0,2"), S("bind:2,0"), S("bind:0-3"), S("bind:3-0"),
	S("bind:0-4"), S("bind:4"), S("bind:5"), S("bind:63"), S("bind:64"),
	S("bind:1023"), S("bind:1024"), S("bind:-1"), S("bind:0--1"),
	S("bind:1-"), S("bind:-"), S("bind:,"), S("bind:,0,"), S("bind:0,,1"),
	S("bind:0 1"), S("bind:0\t1"), S("bind:0\n1"), S("bind:0\r"),
	S("bind:0\xa0" "1"), S("bind:0\xa0"), S("bind:\xa0" "0"), S("bind:0\0"),
	S("bind\0:0"), S("\0"), S("bind :0"), S("bind: 0"), S("bind:N"),
	S("bind:all"), S("bind:ALL"), S("bind:aLl"), S("bind:all:1/64"),
	S("bind:0-N:1/64"), S("bind:all:1/63"), S("bind:0-3:1/2"),
	S("bind:0-3:0/2"), S("bind:0-3:2/1"), S("bind:0-3:1/0"),
	S("bind:0-3:1/2N"), S("bind:0-3:1/2,4"), S("bind:0-3:1/24"),
	S("bind:0-3:1"), S("bind:0-3:/2"), S("bind:0:1/2"), S("bind:2:1/1"),
	S("bind:0-3:1/2/2"), S("bind:0x1"), S("bind:00"), S("bind:007"),
	S("bind:+1"), S("bind:1e2"), S("bind:N-0"), S("bind:NN"), S("bind:N5"),
	S("bind:4294967295"), S("bind:4294967294"), S("bind:4294967296"),
	S("bind:0-4294967295"), S("bind:18446744073709551615"),
	S("bind:18446744073709551616"), S("bind:99999999999999999999999"),
	S("bind:0-99999999999"), S("bind:0-3:99999999999/2"),
	S("bind:0-3:1/99999999999"), S("preferred"), S("preferred:"),
	S("preferred:0"), S("preferred:0-1"), S("preferred:0,0"),
	S("preferred:4"), S("preferred:5"), S("preferred:N"),
	S("preferred:0-3:1/4"), S("preferred:0-1,5"), S("preferred-many"),
	S("preferred-many:2-3"), S("preferred-many:"), S("preferred_many"),
	S("interleave:1,3"), S("interleave"), S("weighted-interleave"),
	S("weighted-interleave:0-3"), S("weighted-interleave:0-4"),
	S("weighted-interleave:"), S("weighted-interleave::0"),
	S("weighted_interleave"), S("weighted-interleave:0-3\nbind:0"),
	S("weighted-interleave\n\n"), S("bind:0;1"), S("bind:0|1"),
	S("interleave:0:1"), S("bind=0"), S("bind;0"), S("bind,0"),
	S("bind:0,1,"), S("bind::"), S(":"), S(":0"), S("-"), S("0"),
	S("local local"), S("bind:0 bind:1"), S("\xff\xfe"),
	S("\xe2\x80\x83local"), S("bind:\xef\xbc\x90"),
	/* mpol.weights */
	S("0 1"), S("0 255"), S("0 0"), S("0 256"), S("0 -1"), S("0 -0"),
	S("0 +5"), S("0 007"), S("0 5\n"), S("0  5"), S("0\t5"), S(" 0 5 "),
	S("0 \t 5"), S("0\n5"), S("0 \n5"), S("0\n 5"), S("0 \v5"),
	S("0 \r5"), S("0 \f5"), S("0 \xa0" "5"), S("0\xa0" "5"),
	S("0 5\xa0"), S("0 5 6"), S("0 5\n1 6"), S("0 5\n0 6"), S("0 5 0 6"),
	S("0 5,1 6"), S("0=5"), S("0:5"), S("0"), S("0 "), S("5"),
	S("default"), S("0 default"), S("0 Default"), S("0 defaultx"),
	S("0 default\n"), S("4 5"), S("4 default"), S("5 5"), S("5 default"),
	S("63 5"), S("64 5"), S("-1 5"), S("+1 5"), S("01 5"), S("-0 5"),
	S("4294967295 5"), S("4294967296 5"), S("99999999999999999999 5"),
	S("0 2147483647"), S("0 2147483648"), S("0 -2147483648"),
	S("0 -2147483649"), S("0 99999999999999999999"), S("0 0x10"),
	S("0 1e2"), S("0 5x"), S("x 5"), S("0 5\0"), S("0\0 5"), S("0 255\n"),
	S("N 5"), S("all 5"), S("0 +"), S("0 -"), S("0 +-5"), S("0 -+5"),
	S("0 --5"), S("0 ++5"), S("+ 5"), S("0x0 5"), S("1 1\n\n"),
	S("0 5\n1 6"), S("0 5\n1 6\n"), S("\n\n0 5\n\n2 3\n"),
	S("0 5\r\n1 6\r\n"), S("0 5\n0 5"), S("0 5\n0 default"),
	S("0 5\n1 999"), S("0 5\n9 1"), S("0 5\n1 x"), S("0 5\n\n1"),
	S("1 2\n2 3\n3 4\n4 5\n0 6"), S("0 5\n1 6\n0 7"), S("0 5\v\n1 6"),
	S("0 5\n \n\t\n1 6"), S("0 5\n1 6 2 7"), S("0 5\n\xa0\n1 6"),
	S("3 128"), S("2 2"), S("1 default"),
};

/* Crafted mpol.migrate values */
static const struct { const char *s; size_t len; } crafted_migrate[] = {
	S(""), S("\n"), S(" "), S("on"), S("on\n"), S(" on \n"),
	S("\ton\t\n\n"), S("on\xa0"), S("\xa0" "on"), S("off"), S("off\n"),
	S("inherit"), S("inherit\n"), S("pass"), S("pass\n"), S(" pass "),
	S("ON"), S("On"), S("Off"), S("OFF"), S("Inherit"), S("PASS"),
	S("onn"), S("of"), S("o"), S("offf"), S("inherit1"), S("pas"),
	S("passs"), S("on1"), S("on64M"), S("on:64M"), S("on=64M"),
	S("on,64M"), S("on_64M"),
	/* rates and their range */
	S("on 64M"), S("on 64M\n"), S("on 4096"), S("on 4K"), S("on 1G"),
	S("on 64G"), S("on 65536M"), S("on 67108864K"), S("on 68719476736"),
	S("on 68719476737"), S("on 65G"), S("on 65537M"), S("on 67108865K"),
	S("on 4095"), S("on 4097"), S("on 5000"), S("on 6144"), S("on 1536K"),
	S("on 1024K"), S("on 1048576"), S("on 1073741824"), S("on 3K"),
	S("on 1K"), S("on 0"), S("on 0K"), S("on 0G"), S("on 1"), S("on 00"),
	S("on 04096"), S("on 04K"), S("on 0x1000"), S("on 0X1000"),
	S("on +4096"), S("on -4096"), S("on -1"), S("on 4096.0"),
	S("on 4.5K"), S("on 1e4"), S("on 64m"), S("on 4k"), S("on 1g"),
	S("on 1T"), S("on 1P"), S("on 1E"), S("on 64MB"), S("on 64MiB"),
	S("on 64KM"), S("on 64MK"), S("on 64M64"), S("on K"), S("on M"),
	S("on G"), S("on KM"), S("on x"), S("on on"), S("on off"),
	S("on pass"), S("on 4294967296"), S("on 4294967297"),
	S("on 9223372036854775808"), S("on 18446744073709551615"),
	S("on 18446744073709551616"), S("on 99999999999999999999"),
	S("on 18446744073709551616K"), S("on 17179869184G"),
	S("on 17179869185G"), S("on 16777216M"), S("on 16777217M"),
	/* white space */
	S("on  64M"), S("on\t64M"), S("on \t 64M"), S("on 64M \t"),
	S("on 64M\xa0"), S("on\n64M"), S("on \n64M"), S("on\n 64M"),
	S("on \v64M"), S("on \r64M"), S("on \f64M"), S("on \xa0" "64M"),
	S("on\xa0" "64M"), S("on 64\xa0M"), S("on 6 4M"), S("on 64 M"),
	S("on 64M\n\n"), S("on 64M\non"), S("on 64M extra"), S("on 64M 64M"),
	S("on 64M\t4K"), S("on\noff"), S("off\non"), S("pass\npass"),
	S("off 5"), S("off on"), S("inherit 1"), S("inherit on"),
	S("pass 1"), S("pass on"), S("onn 64M"), S("of 64M"),
	/* NUL and other files' values */
	S("\0"), S("on 4096\0"), S("on\0 4096"), S("on 64M\0garbage"),
	S("\0on"), S("local"), S("bind:0"), S("0 5"), S("1"), S("yes"),
	S("true"), S("enable"), S("default"), S("auto"),
	/* valid again, to leave a known state */
	S("on 16M"), S("inherit"), S("off"), S("on"), S("on 64M"),
};

/* Crafted mpol.weights values with the "auto" key */
static const struct { const char *s; size_t len; } crafted_auto[] = {
	/* valid, with blanks and white space around */
	S("auto on"), S("auto off"), S("auto default"), S("auto on\n"),
	S(" auto on "), S("\tauto\ton\t\n"), S("auto  on"), S("auto \t on"),
	S("auto\ton"), S("auto on\r\n"), S("\xa0" "auto off\xa0"),
	S("\vauto default\f"), S("\n\nauto on\n\n"), S("auto\t\toff"),
	/* case */
	S("AUTO on"), S("Auto on"), S("aUto on"), S("auto On"), S("auto ON"),
	S("auto oN"), S("auto Off"), S("auto OFF"), S("auto Default"),
	S("auto DEFAULT"),
	/* no value, another value, junk before or after */
	S("auto"), S("auto\n"), S("auto "), S("auto \t\n"), S("autoon"),
	S("autooff"), S("autodefault"), S("auto-on"), S("auto=on"),
	S("auto:on"), S("auto_on"), S("auto,on"), S("auto\non"),
	S("auto\von"), S("auto\fon"), S("auto\ron"), S("auto\xa0on"),
	S("auto \von"), S("auto \xa0on"), S("auto on x"), S("auto on on"),
	S("auto on off"), S("auto onx"), S("auto on:"), S("auto on,"),
	S("auto o"), S("auto of"), S("auto offf"), S("auto defaul"),
	S("auto defaults"), S("auto 1"), S("auto 0"), S("auto yes"),
	S("auto no"), S("auto true"), S("auto inherit"), S("auto all"),
	S("auto auto"), S("auto 0 3"), S("auto on 0 3"), S("auto on,0 3"),
	S("0 3 auto on"), S("xauto on"), S("0auto on"), S("aut on"),
	S("autox on"), S("autoauto on"), S("auto\xe2\x80\x83on"),
	S("auto on\xff"), S("\xef\xbb\xbf" "auto on"),
	/* with NODE WEIGHT lines: all or nothing, the first bad line decides */
	S("auto on\n0 3"), S("0 3\nauto off"), S("0 4\nauto x"),
	S("auto x\n0 4"), S("auto on\nauto on"), S("auto on\nauto off"),
	S("auto on\n\nauto default"), S("auto on\n0 3\n0 4"),
	S("auto off\n99 3"), S("99 3\nauto x"), S("auto on\n0 256"),
	S("0 256\nauto x"), S("auto x\n0 256"), S("auto off\n1 2\n2 5\n3 default"),
	S("1 4\nauto on\n2 9\n"), S("auto on\r\n0 3\r\n"),
	S("auto default\n0 default\n1 default"), S("2 6\n \n\tauto on\t\n"),
	S("auto on\n4 2"), S("auto on\n3 default\nauto"), S("0 3\nauto"),
	S("auto on\n0 3\n1 7\n2 9\n3 11"), S("auto off\n0 1"),
	S("0 default\n1 default\n2 default\n3 default\n4 default"),
	/* NUL */
	S("auto on\0"), S("auto\0on"), S("\0auto on"), S("auto \0on"),
	S("0 3\nauto on\0"), S("auto on\n\0"),
	/* a known state: T and C "default", then "on" */
	S("auto default"), S("auto on"),
};

/* Crafted mpol.scope values */
static const struct { const char *s; size_t len; } crafted_scope[] = {
	/* every word, with white space around it */
	S("anon"), S("all"), S("inherit"), S("anon\n"), S("all\n"),
	S("inherit\n"), S(" anon"), S("anon "), S(" anon \n"),
	S("\tall\t\n\n"), S("all\n\n"), S("all\n\n\n\n"), S("\n\nanon"),
	S("\vanon\v"), S("\fall\r\n"), S("\r\ninherit\r\n"),
	S("anon\xa0"), S("\xa0" "anon"), S("\xa0" "all\xa0"),
	S("  \t inherit \t  \n"),
	/* empty, white space only */
	S(""), S("\n"), S(" "), S("\t"), S("\n\n"), S(" \t\n\v\f\r"),
	S("\xa0"), S("\xa0\n"),
	/* case */
	S("ANON"), S("Anon"), S("aNon"), S("anoN"), S("ALL"), S("All"),
	S("aLL"), S("INHERIT"), S("Inherit"), S("inheriT"),
	/* prefixes, extensions, other words */
	S("a"), S("an"), S("ano"), S("al"), S("i"), S("inh"), S("inheri"),
	S("anon2"), S("anon0"), S("anonx"), S("anon-"), S("anon:"),
	S("anon:0"), S("anon=1"), S("anon,all"), S("anon;"), S("anon."),
	S("anon/"), S("all2"), S("alll"), S("allx"), S("all:"), S("inherits"),
	S("inherit2"), S("inherit:"), S("xanon"), S("2anon"), S("-anon"),
	S("+anon"), S("nona"), S("anonymous"), S("anon_only"), S("anononly"),
	S("allanon"), S("anonall"), S("none"), S("file"), S("shared"),
	S("stack"), S("heap"), S("local"), S("default"), S("on"), S("off"),
	S("pass"), S("0"), S("1"), S("true"), S("yes"), S("bind:0"),
	S("weighted-interleave"), S("0 5"),
	/* white space inside */
	S("an on"), S("a non"), S("al l"), S("in herit"), S("an\ton"),
	S("an\non"), S("an\xa0on"), S("anon all"), S("all anon"),
	S("inherit x"), S("inherit inherit"), S("anon anon"), S("anon\tall"),
	S("anon\nall"), S("anon\n\nall"), S("all\n\nanon\n"),
	S("anon\n\ninherit\n"), S("anon\r\nall\r\n"), S("anon \n x"),
	S("anon\vall"), S("anon\fall"), S("anon\xa0" "all"),
	/* NUL */
	S("\0"), S("\0anon"), S("anon\0"), S("an\0on"), S("anon\0\n"),
	S("all\0"), S("all\n\0"), S("inherit\0x"), S("\0\0\0"),
	S("anon\0anon"), S(" \0 "),
	/* bytes that are not ASCII */
	S("anon\xff"), S("\xff" "anon"), S("an\xc3\xb3n"), S("\xe2\x80\x83" "anon"),
	S("anon\xe2\x80\x83"), S("\xef\xbb\xbf" "anon"),
	/* valid again, to leave a known state */
	S("anon"), S("inherit"), S("all"), S("inherit"),
#undef S
};

static void add(size_t *off, const char *s)
{
	size_t n = strlen(s);

	memcpy(gbuf + *off, s, n);
	*off += n;
}

/* Some white space around a value, now and then */
static const char * const spaces[] = {
	"", "", "", "", " ", "\n", "\t", "  \n", "\xa0", "\v", "\r\n",
};

static size_t gen_policy(void)
{
	static const char * const nums[] = { "0", "1", "2", "3", "4", "5",
		"N", "63", "64", "00", "4294967295", "99999999999" };
	size_t off = 0;
	int i, regions;
	char tmp[64];

	add(&off, spaces[rn(11)]);
	add(&off, mode_names[rn(NR_MODES)]);
	if (rn(6)) {
		add(&off, ":");
		regions = rn(4);
		for (i = 0; i < regions; i++) {
			if (i || !rn(8))
				add(&off, rn(10) ? "," : ",,");
			if (!rn(12)) {
				add(&off, "all");
			} else {
				snprintf(tmp, sizeof(tmp), "%s", rn(5) ?
					 nums[rn(5)] : nums[rn(12)]);
				add(&off, tmp);
				if (!rn(3)) {
					add(&off, "-");
					add(&off, rn(5) ? nums[rn(5)] :
						   nums[rn(12)]);
				}
			}
			if (!rn(6)) {
				snprintf(tmp, sizeof(tmp), ":%u/%u", rn(4),
					 rn(5));
				add(&off, tmp);
			}
		}
	}
	add(&off, spaces[rn(11)]);
	return off;
}

/* An "auto" line of mpol.weights, mostly valid */
static void gen_auto(size_t *off)
{
	static const char * const words[] = { "on", "on", "off", "off",
		"default", "On", "x", "", "on x", "onn", "of", "1" };
	static const char * const seps[] = { " ", " ", " ", "\t", "  ",
		" \t", "", "\n", "\xa0", "\v" };

	add(off, rn(8) ? "auto" : rn(2) ? "AUTO" : "aut");
	add(off, seps[rn(ARRAY_SIZE(seps))]);
	add(off, words[rn(ARRAY_SIZE(words))]);
}

/* One to three lines; nodes may repeat */
static size_t gen_weights(void)
{
	static const char * const ws[] = { "default", "0", "256", "-1",
		"255", "1", "+7", "007", "2147483648", "-", "defaul" };
	static const char * const nls[] = { "\n", "\n", "\r\n", "\n\n",
		"\n \n" };
	int i, lines = rn(4) ? 1 : 2 + rn(2);
	size_t off = 0;
	char tmp[64];

	for (i = 0; i < lines; i++) {
		if (i)
			add(&off, nls[rn(5)]);
		add(&off, spaces[rn(11)]);
		if (has_auto && !rn(5)) {
			gen_auto(&off);
			add(&off, spaces[rn(11)]);
			continue;
		}
		snprintf(tmp, sizeof(tmp), "%u", rn(8) ? rn(6) : rn(100));
		add(&off, tmp);
		add(&off, rn(6) ? " " : rn(2) ? "\t" : "  \t");
		if (rn(3))
			snprintf(tmp, sizeof(tmp), "%u", 1 + rn(255));
		else
			snprintf(tmp, sizeof(tmp), "%s", ws[rn(11)]);
		add(&off, tmp);
		add(&off, spaces[rn(11)]);
	}
	return off;
}

/* Bytes that mean something to the parsers */
static char interesting(void)
{
	static const char set[] = " \t\n\v\f\r,:-/+0123456789NalKMGonf\xa0\xff";

	switch (rn(4)) {
	case 0:
		return rn(256);
	case 1:
		return 0x21 + rn(0x5e);	/* every separator character */
	default:
		return set[rn(sizeof(set))];	/* includes the NUL */
	}
}

static size_t mutate(size_t len)
{
	int k, edits = 1 + rn(3);

	for (k = 0; k < edits; k++) {
		size_t at = rn(len + 1);

		switch (rn(3)) {
		case 0:		/* insert */
			memmove(gbuf + at + 1, gbuf + at, len - at);
			gbuf[at] = interesting();
			len++;
			break;
		case 1:		/* replace */
			if (at < len)
				gbuf[at] = interesting();
			break;
		default:	/* delete */
			if (at < len) {
				memmove(gbuf + at, gbuf + at + 1,
					len - at - 1);
				len--;
			}
		}
	}
	return len;
}

/* A valid-looking value padded with @fill to @total bytes */
static size_t pad(size_t len, size_t total, char fill)
{
	if (total > BIGBUF)
		total = BIGBUF;
	if (len < total)
		memset(gbuf + len, fill, total - len);
	return total;
}

/* A word, now and then a rate (mostly valid ones), now and then more */
static size_t gen_migrate(void)
{
	static const char * const words[] = { "on", "on", "on", "off",
		"inherit", "pass", "ON", "onn", "of" };
	static const char * const nums[] = { "4", "64", "16", "1", "8",
		"4096", "5000", "1536", "0", "4095", "65536", "68719476736",
		"68719476737", "99999999999999999999", "010", "0x10", "+64",
		"17179869185" };
	static const char * const sfx[] = { "", "K", "M", "G", "", "M", "k",
		"m", "T", "B" };
	static const char * const seps[] = { " ", " ", "  ", "\t", " \t",
		"\n", " \n", " \xa0" };
	size_t off = 0;

	add(&off, spaces[rn(11)]);
	add(&off, words[rn(ARRAY_SIZE(words))]);
	if (rn(3)) {
		add(&off, rn(4) ? " " : seps[rn(ARRAY_SIZE(seps))]);
		add(&off, rn(3) ? nums[rn(5)] : nums[rn(ARRAY_SIZE(nums))]);
		add(&off, rn(3) ? sfx[rn(4)] : sfx[rn(ARRAY_SIZE(sfx))]);
		if (!rn(10)) {
			add(&off, " ");
			add(&off, words[rn(ARRAY_SIZE(words))]);
		}
	}
	add(&off, spaces[rn(11)]);
	return off;
}

/* A word of mpol.scope or a near miss, now and then a second word */
static size_t gen_scope(void)
{
	static const char * const words[] = { "anon", "anon", "all", "all",
		"inherit", "inherit", "ANON", "Anon", "All", "an", "al",
		"anon2", "alll", "inherits", "anonymous", "none", "local",
		"on", "" };
	static const char * const seps[] = { " ", "\t", "\n", "\n\n",
		"\xa0", "\r\n", "", ":", "=", "," };
	size_t off = 0;

	add(&off, spaces[rn(11)]);
	add(&off, words[rn(ARRAY_SIZE(words))]);
	if (!rn(6)) {
		add(&off, seps[rn(ARRAY_SIZE(seps))]);
		add(&off, words[rn(ARRAY_SIZE(words))]);
	}
	add(&off, spaces[rn(11)]);
	if (!rn(8))
		add(&off, spaces[rn(11)]);
	return off;
}

static size_t gen_file(int file)
{
	switch (file) {
	case F_WEIGHTS:
		return gen_weights();
	case F_MIGRATE:
		return gen_migrate();
	case F_SCOPE:
		return gen_scope();
	}
	return gen_policy();
}

static size_t gen_random(int file, const char **origin)
{
	static const size_t bigs[] = { PAGE - 1, PAGE, PAGE + 1, 2 * PAGE,
				       64 * 1024 };
	size_t len, i;

	switch (rn(20)) {
	case 0 ... 6:
		*origin = "grammar";
		return gen_file(file);
	case 7 ... 12:
		*origin = "mutated";
		return mutate(gen_file(file));
	case 13 ... 14:
		*origin = "other file";
		return gen_file((file + 1 + rn(nr_wfiles - 1)) % nr_wfiles);
	case 15 ... 16:
		*origin = "random bytes";
		len = rn(5) ? rn(48) : rn(PAGE + 64);
		for (i = 0; i < len; i++)
			gbuf[i] = rn(4) ? 0x20 + rn(0x5f) : rn(256);
		return len;
	case 17 ... 18:
		*origin = "prefix+garbage";
		len = gen_file(file);
		len -= len ? rn(len) : 0;	/* keep a prefix, at least 1 */
		for (i = 1 + rn(6); i; i--)
			gbuf[len++] = interesting();
		return len;
	default:
		*origin = "overlong";
		len = gen_file(file);
		return pad(len, bigs[rn(5)], rn(2) ? ' ' : rn(2) ? ',' : 'x');
	}
}

/* --- setup -------------------------------------------------------------- */

static void cg_setup(struct cg *c, struct cg *parent, const char *name)
{
	char path[256];
	int f;

	if (snprintf(c->path, sizeof(c->path), "%s/%s", parent->path,
		     name) >= (int)sizeof(c->path))
		bail("path too long");
	c->parent = parent;
	c->mode = M_INHERIT;
	rmdir(c->path);
	if (mkdir(c->path, 0755))
		bail("mkdir %s: %s", c->path, strerror(errno));
	c->mig = MIG_INHERIT;
	c->scope = SC_INHERIT;
	c->autow = AW_DEFAULT;
	for (f = 0; f < NR_WFILES; f++) {
		c->wfd[f] = -1;
		if (f >= (int)nr_wfiles)
			continue;
		snprintf(path, sizeof(path), "%s/%s", c->path, wfile_names[f]);
		c->wfd[f] = open(path, O_WRONLY | O_CLOEXEC);
		if (c->wfd[f] < 0)
			bail("open %s: %s", path, strerror(errno));
	}
}

static void enable_mpol(struct cg *c)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", c->path);
	if (write_str(path, "+mpol") < 0)
		bail("+mpol in %s: %s", path, strerror(errno));
}

/* Which kernels have a file: all, with mpol.migrate, with mpol.scope */
enum { K_ALL, K_MIGRATE, K_SCOPE };

/* The mpol files of a child cgroup */
static const struct {
	const char *name;
	bool rw;		/* writable */
	int kernel;		/* K_*: the kernels that have it */
	bool root;		/* on the root */
} known_files[] = {
	{ "mpol.policy", true, K_ALL, false },
	{ "mpol.policy.effective", false, K_ALL, true },
	{ "mpol.weights", true, K_ALL, false },
	{ "mpol.weights.effective", false, K_ALL, true },
	{ "mpol.events", false, K_ALL, false },
	{ "mpol.events.local", false, K_ALL, false },
	{ "mpol.migrate", true, K_MIGRATE, false },
	{ "mpol.migrate.effective", false, K_MIGRATE, true },
	{ "mpol.stat", false, K_MIGRATE, false },
	{ "mpol.scope", true, K_SCOPE, false },
	{ "mpol.scope.effective", false, K_SCOPE, true },
};

/* Does this kernel have known_files[@k]? */
static bool known_present(size_t k)
{
	switch (known_files[k].kernel) {
	case K_MIGRATE:
		return has_migrate;
	case K_SCOPE:
		return has_scope;
	}
	return true;
}

/* The root has the .effective files only. */
static bool check_root_files(void)
{
	char path[256];
	bool ok = true;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(known_files); k++) {
		bool want = known_files[k].root && known_present(k);

		snprintf(path, sizeof(path), MPOLT_CGROOT "/%s",
			 known_files[k].name);
		if (!access(path, F_OK) == want)
			continue;
		diag("the root %s %s", want ? "lacks" : "has",
		     known_files[k].name);
		ok = false;
	}
	return ok;
}

/* Which mpol files of T are writable, by their mode */
static bool check_file_modes(void)
{
	char path[512], list[256] = "";
	bool ok = check_root_files();
	struct dirent *d;
	struct stat st;
	DIR *dir = opendir(cg_t.path);
	int fd, n = 0, want_n = 0;
	size_t k;

	if (!dir)
		return false;
	for (k = 0; k < ARRAY_SIZE(known_files); k++)
		want_n += known_present(k);
	while ((d = readdir(dir))) {
		bool rw;

		if (strncmp(d->d_name, "mpol.", 5))
			continue;
		snprintf(path, sizeof(path), "%s/%s", cg_t.path, d->d_name);
		if (stat(path, &st))
			return false;
		n++;
		rw = st.st_mode & 0200;
		if (rw) {
			strcat(list, " ");
			strcat(list, d->d_name);
		}
		for (k = 0; k < ARRAY_SIZE(known_files); k++)
			if (!strcmp(d->d_name, known_files[k].name))
				break;
		if (k == ARRAY_SIZE(known_files) || !known_present(k)) {
			diag("%s: an unknown mpol file", d->d_name);
			ok = false;
		} else if (rw != known_files[k].rw) {
			diag("%s: unexpected mode %o", d->d_name,
			     st.st_mode & 0777);
			ok = false;
		}
		/*
		 * A read-only file refuses writes.  Root may open it for
		 * writing (cgroupfs does not ask kernfs for the extra open
		 * permission check that sysfs has), so the write itself
		 * fails: cgroup_file_write() has no handler, EINVAL.
		 */
		if (!rw) {
			static const char * const vals[] = { "local",
				"0 5", "fallback 0", "on", "pass", "anon",
				"all", "" };

			fd = open(path, O_WRONLY);
			for (k = 0; fd >= 0 && k < ARRAY_SIZE(vals); k++) {
				ssize_t ret = write(fd, vals[k],
						    strlen(vals[k]));
				int want = *vals[k] ? EINVAL : 0;

				if ((ret < 0 ? errno : 0) != want) {
					diag("writing \"%s\" to %s: %s",
					     vals[k], d->d_name, ret < 0 ?
					     strerrorname_np(errno) :
					     "accepted");
					ok = false;
				}
			}
			if (fd < 0 && errno != EACCES) {
				diag("opening %s for writing: %s", d->d_name,
				     strerror(errno));
				ok = false;
			}
			if (fd >= 0)
				close(fd);
		}
	}
	closedir(dir);
	diag("%d mpol files in a child cgroup (%d expected), writable:%s", n,
	     want_n, list);
	return ok && n == want_n;
}

#define AUTO_REF	MPOLT_CGROOT "/mpol_fuzz_auto"

static void cleanup(void)
{
	rmdir(cg_c.path);
	rmdir(cg_t.path);
	rmdir(cg_p.path);
	rmdir(AUTO_REF);
}

/*
 * The auto tables: mpol.weights.effective of a fresh cgroup with "auto
 * on" and no overrides, into auto_w[][] and auto_fallback[].  Checks the
 * format: "initiatorI N=W ... fallback=F", one line per node with CPUs in
 * ascending order, every possible node in ascending order, W in 1..255,
 * F 0 or 1.  False (and why) if not.
 */
static bool read_auto_tables(void)
{
	char buf[FILEBUF], *line, *save, *tok, *tsave;
	uint64_t seen = 0;
	int last = -1;

	rmdir(AUTO_REF);
	if (mkdir(AUTO_REF, 0755))
		bail("mkdir %s: %s", AUTO_REF, strerror(errno));
	if (write_str(AUTO_REF "/mpol.weights", "auto on\n") < 0)
		bail("cannot set \"auto on\" in %s", AUTO_REF);
	if (read_file(AUTO_REF "/mpol.weights.effective", buf, sizeof(buf)) < 0)
		bail("cannot read %s/mpol.weights.effective", AUTO_REF);
	rmdir(AUTO_REF);
	for (line = buf; *line; line = tok + 1) {
		tok = strchrnul(line, '\n');
		diag("auto table: %.*s", (int)(tok - line), line);
		if (!*tok)
			break;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		uint64_t nodes = 0;
		int i, nid = -1, fb = -1, lastn = -1, k;
		unsigned int w;

		if (sscanf(line, "initiator%d%n", &i, &k) != 1 || i <= last ||
		    i >= MPOLT_MAXNODE || !(has_cpu & (1ULL << i))) {
			diag("auto tables: bad line \"%s\"", line);
			return false;
		}
		last = i;
		seen |= 1ULL << i;
		for (tok = strtok_r(line + k, " ", &tsave); tok;
		     tok = strtok_r(NULL, " ", &tsave)) {
			if (fb >= 0) {
				diag("auto tables: \"%s\" after fallback=", tok);
				return false;
			}
			if (sscanf(tok, "fallback=%d", &fb) == 1 &&
			    (fb == 0 || fb == 1))
				continue;
			fb = -1;
			if (sscanf(tok, "%d=%u", &nid, &w) != 2 || nid <= lastn ||
			    nid >= MPOLT_MAXNODE || !(possible & (1ULL << nid)) ||
			    w < 1 || w > 255) {
				diag("auto tables: initiator%d: bad \"%s\"", i, tok);
				return false;
			}
			lastn = nid;
			nodes |= 1ULL << nid;
			auto_w[i][nid] = w;
		}
		if (fb < 0 || nodes != possible) {
			diag("auto tables: initiator%d: %s", i, fb < 0 ?
			     "no fallback=" : "not every possible node");
			return false;
		}
		auto_fallback[i] = fb;
	}
	if (seen != has_cpu) {
		diag("auto tables: initiators 0x%llx, nodes with CPUs 0x%llx",
		     (unsigned long long)seen, (unsigned long long)has_cpu);
		return false;
	}
	return true;
}

/* --- main: setup, run, report ------------------------------------------ */

/* The options; the random input count in @count, false for a bad one. */
static bool parse_args(int argc, char **argv, long *count, uint64_t *seed)
{
	int opt;

	while ((opt = getopt(argc, argv, "s:B")) != -1) {
		switch (opt) {
		case 's':
			*seed = strtoull(optarg, NULL, 0);
			break;
		case 'B':
			sabotage = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-s SEED] [-B] [COUNT]\n",
				argv[0]);
			return false;
		}
	}
	if (optind < argc)
		*count = strtol(argv[optind], NULL, 0);
	return true;
}

/* The model starts from the root's weights, the global ones. */
static void read_root_weights(void)
{
	char buf[FILEBUF], *tok, *save;
	int nid;

	if (read_file(MPOLT_CGROOT "/mpol.weights.effective", buf,
		      sizeof(buf)) < 0)
		bail("cannot read the root's mpol.weights.effective");
	for (tok = strtok_r(buf, "\n", &save); tok;
	     tok = strtok_r(NULL, "\n", &save)) {
		unsigned int w;

		if (sscanf(tok, "%d %u", &nid, &w) != 2 || nid < 0 ||
		    nid >= MPOLT_MAXNODE)
			bail("root mpol.weights.effective: \"%s\"", tok);
		global_w[nid] = w;
	}
	root.mode = M_LOCAL;
}

/* P/T/C, P with a policy and a weight of its own; the events snapshot. */
static void setup_cgroups(void)
{
	struct cg *cgs[] = { &cg_p, &cg_t, &cg_c };
	char buf[FILEBUF];
	size_t i, c;

	rmdir(MPOLT_CGROOT "/mpol_fuzz/t/c");
	rmdir(MPOLT_CGROOT "/mpol_fuzz/t");
	cg_setup(&cg_p, &root, "mpol_fuzz");
	atexit(cleanup);
	enable_mpol(&cg_p);
	cg_setup(&cg_t, &cg_p, "t");
	enable_mpol(&cg_t);
	cg_setup(&cg_c, &cg_t, "c");

	/* P's own values show through in T and C while they inherit */
	if (write_str(MPOLT_CGROOT "/mpol_fuzz/mpol.policy",
		      "interleave:0-1") < 0 ||
	    write_str(MPOLT_CGROOT "/mpol_fuzz/mpol.weights", "1 3") < 0)
		bail("cannot set P's policy and weights");
	cg_p.mode = M_INTERLEAVE;
	cg_p.nodes = 3;
	cg_p.w[1] = 3;
	/* and migration: T and C inherit "on 16M" */
	if (has_migrate) {
		if (write_str(MPOLT_CGROOT "/mpol_fuzz/mpol.migrate",
			      "on 16384K") < 0)
			bail("cannot set P's mpol.migrate");
		cg_p.mig = MIG_ON;
		cg_p.rate = 16 << 20;
	}
	/* and a scope: T and C inherit "anon" */
	if (has_scope) {
		if (write_str(MPOLT_CGROOT "/mpol_fuzz/mpol.scope", "anon\n") < 0)
			bail("cannot set P's mpol.scope");
		cg_p.scope = SC_ANON;
	}
	/* and "auto off" (the kernel takes "auto"): T and C inherit off */
	if (has_scope &&
	    write_str(MPOLT_CGROOT "/mpol_fuzz/mpol.weights", "auto default") >= 0) {
		has_auto = true;
		if (write_str(MPOLT_CGROOT "/mpol_fuzz/mpol.weights", "auto off") < 0)
			bail("cannot set \"auto off\" in P");
		cg_p.autow = AW_OFF;
	}
	for (i = 0; i < 3; i++) {
		for (c = 0; c < 2; c++) {
			snprintf(buf, sizeof(buf), "%s/%s", cgs[i]->path,
				 files[4 + c]);
			if (read_file(buf, snap_events[i][c],
				      sizeof(snap_events[i][c])) < 0)
				bail("cannot read %s", buf);
		}
	}
}

/* The crafted mpol.migrate inputs, each to T and C, and its separators. */
static void run_crafted_migrate(void)
{
	size_t len, c;
	long i;

	for (c = 0; c < ARRAY_SIZE(crafted_migrate); c++)
		for (i = 0; i < 2; i++)
			try_input(i ? &cg_c : &cg_t, F_MIGRATE,
				  crafted_migrate[c].s, crafted_migrate[c].len,
				  "crafted");
	/* every byte between "on" and the rate, and as a suffix */
	for (i = 0; i < 256; i++) {
		len = snprintf(gbuf, sizeof(gbuf), "on%c64M", (char)i);
		try_input(&cg_t, F_MIGRATE, gbuf, len, "separator");
		len = snprintf(gbuf, sizeof(gbuf), "on 64%c", (char)i);
		try_input(&cg_c, F_MIGRATE, gbuf, len, "separator");
	}
	for (i = 0; i < 4; i++) {
		size_t total = i & 2 ? PAGE + 1 : PAGE;

		len = snprintf(gbuf, sizeof(gbuf), "on 64M");
		try_input(i & 1 ? &cg_c : &cg_t, F_MIGRATE, gbuf,
			  pad(len, total, i & 1 ? '4' : ' '), "overlong");
	}
}

/*
 * The crafted mpol.scope inputs, each to T and C; every byte inside,
 * before and after a word; the longest writes.
 */
static void run_crafted_scope(void)
{
	size_t len, c;
	long i;

	for (c = 0; c < ARRAY_SIZE(crafted_scope); c++)
		for (i = 0; i < 2; i++)
			try_input(i ? &cg_c : &cg_t, F_SCOPE,
				  crafted_scope[c].s, crafted_scope[c].len,
				  "crafted");
	for (i = 0; i < 256; i++) {
		len = snprintf(gbuf, sizeof(gbuf), "an%con", (char)i);
		try_input(&cg_t, F_SCOPE, gbuf, len, "separator");
		len = snprintf(gbuf, sizeof(gbuf), "anon%c", (char)i);
		try_input(&cg_c, F_SCOPE, gbuf, len, "separator");
		len = snprintf(gbuf, sizeof(gbuf), "%call", (char)i);
		try_input(&cg_t, F_SCOPE, gbuf, len, "separator");
		len = snprintf(gbuf, sizeof(gbuf), "all%canon", (char)i);
		try_input(&cg_c, F_SCOPE, gbuf, len, "separator");
	}
	for (i = 0; i < 8; i++) {
		size_t total = i & 4 ? 64 * 1024 : i & 2 ? PAGE + 1 : PAGE;

		len = snprintf(gbuf, sizeof(gbuf), "%s", i & 1 ? "all" : "anon");
		try_input(i & 1 ? &cg_c : &cg_t, F_SCOPE, gbuf,
			  pad(len, total, i & 1 ? '\n' : ' '), "overlong");
		len = snprintf(gbuf, sizeof(gbuf), "anon");
		try_input(i & 1 ? &cg_t : &cg_c, F_SCOPE, gbuf,
			  pad(len, total, 'n'), "overlong");
	}
	/* long strings short of the limit */
	for (i = 0; i < 4; i++) {
		len = pad(0, 16 << i, "anon"[i]);
		try_input(&cg_t, F_SCOPE, gbuf, len, "long");
	}
}

/*
 * The crafted "auto" inputs of mpol.weights, each to T and C; every byte
 * between "auto" and its value and after it; the longest writes.  Run on
 * a kernel without the key too (there all are EINVAL).
 */
static void run_crafted_auto(void)
{
	size_t len, c;
	long i;

	for (c = 0; c < ARRAY_SIZE(crafted_auto); c++)
		for (i = 0; i < 2; i++)
			try_input(i ? &cg_c : &cg_t, F_WEIGHTS,
				  crafted_auto[c].s, crafted_auto[c].len,
				  "crafted");
	for (i = 0; i < 256; i++) {
		len = snprintf(gbuf, sizeof(gbuf), "auto%c%s", (char)i,
			       i & 1 ? "on" : "off");
		try_input(&cg_t, F_WEIGHTS, gbuf, len, "separator");
		len = snprintf(gbuf, sizeof(gbuf), "auto %s%c",
			       i & 1 ? "off" : "on", (char)i);
		try_input(&cg_c, F_WEIGHTS, gbuf, len, "separator");
	}
	for (i = 0; i < 8; i++) {
		size_t total = i & 4 ? 64 * 1024 : i & 2 ? PAGE + 1 : PAGE;

		len = snprintf(gbuf, sizeof(gbuf), "auto %s", i & 1 ? "on" : "off");
		try_input(i & 1 ? &cg_c : &cg_t, F_WEIGHTS, gbuf,
			  pad(len, total, i & 1 ? '\n' : ' '), "overlong");
		/* "auto", blanks up to the end, the value last */
		len = pad(4, total - 2, i & 1 ? '\t' : ' ');
		memcpy(gbuf, "auto", 4);
		memcpy(gbuf + len, i & 1 ? "on" : "no", 2);
		try_input(i & 1 ? &cg_t : &cg_c, F_WEIGHTS, gbuf, len + 2,
			  "overlong");
	}
	/* a long value: "on" and more */
	len = snprintf(gbuf, sizeof(gbuf), "auto on");
	try_input(&cg_t, F_WEIGHTS, gbuf, pad(len, 600, 'n'), "long");
}

/* The crafted inputs, each to both files of T and C. */
static void run_crafted(void)
{
	size_t len, c;
	long i;

	for (c = 0; c < sizeof(crafted) / sizeof(crafted[0]); c++)
		for (i = 0; i < 4; i++)
			try_input(i & 2 ? &cg_c : &cg_t, i & 1 ? F_WEIGHTS :
				  F_POLICY, crafted[c].s, crafted[c].len,
				  "crafted");
	/* every byte as a separator */
	for (i = 0; i < 256; i++) {
		len = snprintf(gbuf, sizeof(gbuf), "bind:0%c1", (char)i);
		try_input(&cg_t, F_POLICY, gbuf, len, "separator");
		len = snprintf(gbuf, sizeof(gbuf), "weighted-interleave%c0", (char)i);
		try_input(&cg_c, F_POLICY, gbuf, len, "separator");
		len = snprintf(gbuf, sizeof(gbuf), "1%c7", (char)i);
		try_input(&cg_t, F_WEIGHTS, gbuf, len, "separator");
		len = snprintf(gbuf, sizeof(gbuf), "2 %c9", (char)i);
		try_input(&cg_c, F_WEIGHTS, gbuf, len, "separator");
	}
	/* the longest writes there are, valid and not, and longer ones */
	for (i = 0; i < 8; i++) {
		int weights = i & 1 ? F_WEIGHTS : F_POLICY;
		size_t total = i & 4 ? 64 * 1024 : i & 2 ? PAGE + 1 : PAGE;

		len = snprintf(gbuf, sizeof(gbuf), "%s", weights ? "0 9" :
			       "bind:1");
		try_input(&cg_t, weights, gbuf, pad(len, total, ' '),
			  "overlong");
		len = snprintf(gbuf, sizeof(gbuf), "%s", weights ? "0 9" :
			       "bind:1");
		try_input(&cg_c, weights, gbuf, pad(len, total, weights ?
							 '9' : ','),
			  "overlong");
	}
	if (has_migrate)
		run_crafted_migrate();
	if (has_scope)
		run_crafted_scope();
	run_crafted_auto();
}

/* @count random inputs to any writable file of T or C. */
static void run_random(long count)
{
	const char *origin;
	size_t len;
	long i;

	for (i = 0; i < count; i++) {
		int file = rn(nr_wfiles);
		struct cg *cg = rn(2) ? &cg_c : &cg_t;

		len = gen_random(file, &origin);
		try_input(cg, file, gbuf, len, origin);
	}
}

/* --- passes ------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Wait until @c runs no pass and its mpol.stat stayed the same for
 * 300 ms (a queued pass has started and ended); false after 10 s.
 */
static bool stat_settled(struct cg *c)
{
	double start = now_s(), since = start;
	struct migstat last;

	check_stat(c, "waiting for no pass");
	last = c->stat;
	while (now_s() - start < 10) {
		usleep(20000);
		check_stat(c, "waiting for no pass");
		if (memcmp(&last, &c->stat, sizeof(last)) ||
		    c->stat.v[MGS_ACTIVE]) {
			last = c->stat;
			since = now_s();
		} else if (now_s() - since >= 0.3) {
			return true;
		}
	}
	diag("%s: mpol.stat did not settle in 10 s", c->label);
	return false;
}

/* Wait until a pass of @c has completed since @before; false after 10 s. */
static bool pass_completed(struct cg *c, const struct migstat *before)
{
	double start = now_s();

	do {
		check_stat(c, "waiting for a pass");
		if (c->stat.v[MGS_COMPLETED] > before->v[MGS_COMPLETED] &&
		    !c->stat.v[MGS_ACTIVE])
			return true;
		usleep(10000);
	} while (now_s() - start < 10);
	diag("%s: no pass completed in 10 s", c->label);
	return false;
}

/* No pass of @c started since @before, 300 ms after the write. */
static bool no_pass(struct cg *c, const struct migstat *before)
{
	usleep(300000);
	check_stat(c, "no pass expected");
	return c->stat.v[MGS_STARTED] == before->v[MGS_STARTED];
}

static void try_str(struct cg *c, int file, const char *s)
{
	try_input(c, file, s, strlen(s), "pass check");
}

/*
 * A pass counts as started before the write that starts it returns:
 * try_input() read mpol.stat right after the write.
 */
static long not_counted;

static void counted(struct cg *c, const struct migstat *before)
{
	if (c->stat.v[MGS_STARTED] > before->v[MGS_STARTED])
		return;
	diag("%s: migrate_passes_started %lld right after the write, %lld before",
	     c->label, c->stat.v[MGS_STARTED], before->v[MGS_STARTED]);
	not_counted++;
}

/*
 * What starts a pass ("When a pass starts" of the interface), seen in
 * the counters of cgroups without members, whose passes complete at
 * once.  The writes go through try_input(): the files are checked too.
 */
static void run_passes(void)
{
	struct migstat t0, c0;
	char buf[64];
	bool ok;

	/* "pass" with migration off: the cgroup itself, not C (off) */
	try_str(&cg_t, F_MIGRATE, "off");
	try_str(&cg_c, F_MIGRATE, "inherit");
	ok = stat_settled(&cg_t) && stat_settled(&cg_c);
	t0 = cg_t.stat;
	c0 = cg_c.stat;
	try_str(&cg_t, F_MIGRATE, "pass");
	counted(&cg_t, &t0);
	ok = pass_completed(&cg_t, &t0) && ok;
	tap(no_pass(&cg_c, &c0) && ok,
	    "\"pass\" in T (migration off): T completes a pass, C (inherits off) starts none");

	/* migration turning on */
	ok = stat_settled(&cg_c);
	c0 = cg_c.stat;
	try_str(&cg_c, F_MIGRATE, "on 4K");
	counted(&cg_c, &c0);
	tap(pass_completed(&cg_c, &c0) && ok,
	    "C: mpol.migrate.effective turning on starts a pass, which completes");

	/* "pass" reaches the descendants that migrate */
	ok = stat_settled(&cg_t) && stat_settled(&cg_c);
	t0 = cg_t.stat;
	c0 = cg_c.stat;
	try_str(&cg_t, F_MIGRATE, "pass");
	counted(&cg_t, &t0);
	counted(&cg_c, &c0);
	ok = pass_completed(&cg_t, &t0) && ok;
	tap(pass_completed(&cg_c, &c0) && ok,
	    "\"pass\" in T: T and C (migration on) each complete a pass");

	/* an ancestor's change of C's effective policy, then weights */
	try_str(&cg_c, F_POLICY, "inherit");
	try_str(&cg_c, F_WEIGHTS, "0 default");
	ok = stat_settled(&cg_t) && stat_settled(&cg_c);
	t0 = cg_t.stat;
	c0 = cg_c.stat;
	try_str(&cg_t, F_POLICY, eff_policy_cg(&cg_t) &&
		eff_policy_cg(&cg_t)->mode == M_BIND ? "preferred:0" :
		"bind:0");
	counted(&cg_c, &c0);
	ok = pass_completed(&cg_c, &c0) && ok;
	tap(no_pass(&cg_t, &t0) && ok,
	    "a policy change in T: a pass of C (inherits it, migration on), none of T (off)");
	ok = stat_settled(&cg_t) && stat_settled(&cg_c);
	t0 = cg_t.stat;
	c0 = cg_c.stat;
	snprintf(buf, sizeof(buf), "0 %u", eff_weight(&cg_t, 0) == 77 ? 78 : 77);
	try_str(&cg_t, F_WEIGHTS, buf);
	counted(&cg_c, &c0);
	ok = pass_completed(&cg_c, &c0) && ok;
	tap(no_pass(&cg_t, &t0) && ok,
	    "a weight change in T: a pass of C (inherits it, migration on), none of T (off)");
	/* an ancestor's change of C's effective auto setting */
	if (has_auto) {
		try_str(&cg_c, F_WEIGHTS, "auto default");
		ok = stat_settled(&cg_t) && stat_settled(&cg_c);
		t0 = cg_t.stat;
		c0 = cg_c.stat;
		try_str(&cg_t, F_WEIGHTS, eff_auto(&cg_t) ? "auto off" : "auto on");
		counted(&cg_c, &c0);
		ok = pass_completed(&cg_c, &c0) && ok;
		tap(no_pass(&cg_t, &t0) && ok,
		    "an auto change in T: a pass of C (inherits it, migration on), none of T (off)");
	}
	/* an ancestor's change of C's effective scope */
	if (has_scope) {
		try_str(&cg_c, F_SCOPE, "inherit");
		ok = stat_settled(&cg_t) && stat_settled(&cg_c);
		t0 = cg_t.stat;
		c0 = cg_c.stat;
		try_str(&cg_t, F_SCOPE, eff_scope(&cg_t) == SC_ANON ? "all" :
			"anon");
		counted(&cg_c, &c0);
		ok = pass_completed(&cg_c, &c0) && ok;
		tap(no_pass(&cg_t, &t0) && ok,
		    "a scope change in T: a pass of C (inherits it, migration on), none of T (off)");
		/* and C's own: "all" where T's is "anon", or the other way */
		ok = stat_settled(&cg_c);
		c0 = cg_c.stat;
		try_str(&cg_c, F_SCOPE, eff_scope(&cg_t) == SC_ANON ? "all" :
			"anon");
		counted(&cg_c, &c0);
		tap(pass_completed(&cg_c, &c0) && ok,
		    "C's own scope, another effective value: a pass of C (migration on)");
	}
	tap(!not_counted,
	    "each of those passes is in migrate_passes_started when the write that starts it returns (%ld not)",
	    not_counted);
}

/* What was refused with which errno, and the disagreements by kind. */
static void report(void)
{
	static const int errs[] = { EINVAL, ERANGE, ENODEV, E2BIG };
	size_t c;
	long i;

	diag("inputs tried %ld: accepted %ld (\"pass\" %ld), accepted as no-op (empty) %ld, refused %ld",
	     tried, accepted, passes_requested, noops,
	     tried - accepted - noops);
	for (c = 0; c < sizeof(errs) / sizeof(errs[0]); c++)
		diag("  refused with %s: %ld", strerrorname_np(errs[c]),
		     refused[errs[c]]);
	for (c = 0; c < 256; c++)
		if (refused[c] && c != EINVAL && c != ERANGE && c != ENODEV &&
		    c != E2BIG)
			diag("  refused with errno %zu (%s): %ld", c,
			     strerror(c), refused[c]);
	diag("disagreements with the oracle: %ld", disagreements);
	if (has_auto)
		diag("mpol.weights.effective read with auto in effect: P %ld, T %ld, C %ld; C's compared with T's while C inherits them: %ld",
		     auto_reads[0], auto_reads[1], auto_reads[2], inherit_cmps);
	for (i = 0; i < NR_WFILES * 256 * 256; i++) {
		long n = dis_kind[i >> 16][(i >> 8) & 0xff][i & 0xff];

		if (n)
			diag("  %s: kernel %s, oracle %s: %ld",
			     wfile_names[i >> 16],
			     (i >> 8) & 0xff ?
			     strerrorname_np((i >> 8) & 0xff) : "accepts",
			     i & 0xff ? strerrorname_np(i & 0xff) : "accepts",
			     n);
	}
}

int main(int argc, char **argv)
{
	long count = 10000, crafted_dis;
	uint64_t seed = 0x6d706f6c;

	if (!parse_args(argc, argv, &count, &seed))
		return 2;
	rng_state = seed;

	tap_init();
	diag("seed 0x%llx, %ld random inputs (reproduce: mpol_fuzz -s 0x%llx %ld)",
	     (unsigned long long)seed, count, (unsigned long long)seed,
	     count);
	if (!cg_has_word(MPOLT_CGROOT "/cgroup.controllers", "mpol")) {
		printf("1..0 # SKIP no mpol controller\n");
		return 0;
	}
	if (sysconf(_SC_PAGESIZE) != PAGE)
		bail("page size is not %d", PAGE);
	possible = sysfs_nodes("possible");
	has_migrate = !access(MPOLT_CGROOT "/mpol.migrate.effective", F_OK);
	has_scope = !access(MPOLT_CGROOT "/mpol.scope.effective", F_OK);
	if (has_scope && !has_migrate)
		bail("mpol.scope without mpol.migrate: not a kernel of this series");
	nr_wfiles = has_scope ? 4 : has_migrate ? 3 : 2;
	if (!has_migrate)
		diag("no mpol.migrate: its inputs are left out");
	if (!has_scope)
		diag("no mpol.scope: its inputs are left out");
	read_root_weights();
	has_cpu = sysfs_nodes("has_cpu");
	setup_cgroups();
	if (has_auto)
		tap(read_auto_tables(),
		    "auto tables of a reference cgroup (\"auto on\", no overrides): one initiator line per node with CPUs, every possible node, weights 1..255, fallback 0|1");
	else
		diag("mpol.weights takes no \"auto\": its inputs are all EINVAL");
	if (!tap(!check_files("setup"), "model of P/T/C matches the files after setup"))
		return 1;
	tap(check_file_modes() && !check_files("writes to read-only files"),
	    "writable mpol files: mpol.policy, mpol.weights%s%s only; the others refuse writes",
	    has_migrate ? ", mpol.migrate" : "",
	    has_scope ? ", mpol.scope" : "");

	run_crafted();
	crafted_dis = disagreements;
	tap(!crafted_dis, "crafted inputs (%ld): the kernel does what the oracle says",
	    tried);
	run_random(count);
	tap(disagreements == crafted_dis,
	    "random inputs (%ld): the kernel does what the oracle says",
	    count);
	tap(!state_errors,
	    "after every write the mpol files of P, T, C and the root are as the model says (%ld mismatches)",
	    state_errors);
	if (has_migrate) {
		run_passes();
		tap(!stat_errors && stat_reads,
		    "mpol.stat of P, T and C on every read (%ld): migrate_* keys in order, scanned = placed + moved + skipped + failed, skipped = policy + shared + pinned, started = completed + aborted + active, no counter going back, no page scanned without members (%ld bad)",
		    stat_reads, stat_errors);
	} else {
		tap_skip("kernel without mpol.migrate", "mpol.migrate inputs and mpol.stat");
	}
	report();
	return tap_plan();
}
