#!/usr/bin/env python3
"""Fill the [[BENCH:...]] tokens of the cover letter from bench/RESULTS.md.

    cover-figures.py [--name NAME] RESULTS.md [COVER]   substituted COVER (or stdin) on stdout
    cover-figures.py --list RESULTS.md                  every figure a token can name

harness/series.sh runs it on series/0000-cover-letter when it exports the
series, so the figures in the exported cover letter are those of the table.

Tokens (one line each):

    [[BENCH:1|ratio]]              row '1' of a table with a '#' column, column 'ratio'
    [[BENCH:5/policy|1 task]]      the table under '## 5. ...', the row whose first cell
                                   is 'policy', column '1 task'
    [[BENCH:run/date]]             the header table (date, repository, ...), row 'date'
    [[BENCH:1|mpol case: median|raw]]   the whole cell instead of its value

Rows and columns are found by the '#' column, the section number, the first
cell and the header text (case and runs of blanks ignored), never by
position, so a regenerated RESULTS.md of the same layout works. The value of
a cell is the cell without a leading 'label: ' and a trailing '[...]' or
'(...)': 'cgroup: 6799 ns' -> '6799 ns', '2985 ns [2980 ns..3050 ns]' ->
'2985 ns'. Header-table cells are taken whole.

Any token that names no figure (unknown row or column, an empty, '-', '?'
or 'n/a' cell, a value without a digit) or that is malformed is an error:
all of them are printed and the exit status is 1.
"""
import re
import sys

TOKEN = re.compile(r"\[\[BENCH:([^\[\]\n]*)\]\]")
ABSENT = {"", "-", "?", "n/a", "na", "none"}


def norm(s):
    return " ".join(s.replace("*", "").replace("`", "").split()).lower()


def split_row(line):
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells, cur, i = [], "", 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] == "|":
            cur += "|"
            i += 2
            continue
        if s[i] == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += s[i]
        i += 1
    cells.append(cur.strip())
    return cells


class Table:
    def __init__(self, section, header, line):
        self.section = section      # "run", "5", "Hot path, ...", ...
        self.header = header
        self.line = line
        self.rows = []              # (line number, cells)

    def col(self, name):
        n = norm(name)
        hits = [i for i, h in enumerate(self.header) if norm(h) == n]
        return hits[0] if len(hits) == 1 else None

    def describe(self):
        return "the table at line %d (section %s)" % (self.line, self.section)


def parse(path):
    """Every markdown table of RESULTS.md with the section it is in."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    tables = []
    section = "run"     # before the first '## ' heading: the header table
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^##\s+(.*?)\s*$", line)
        if m and not line.startswith("###"):
            title = m.group(1)
            num = re.match(r"^(\d+[a-z]?)\.?(\s|$)", title)
            section = num.group(1) if num else title
        if (line.strip().startswith("|") and i + 1 < len(lines)
                and re.match(r"^\s*\|?\s*:?-{3,}", lines[i + 1])):
            t = Table(section, split_row(line), i + 1)
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                t.rows.append((i + 1, split_row(lines[i])))
                i += 1
            tables.append(t)
            continue
        i += 1
    return tables


def value(cell):
    v = cell.replace("**", "").strip()
    v = re.sub(r"^[A-Za-z][\w+.-]*:\s+(?=[-+\d.])", "", v)
    v = re.sub(r"\s*(\[[^\[\]]*\]|\([^()]*\))\s*$", "", v)
    return v.strip()


def lookup(tables, spec):
    """Return (text, result-cell or None); raise ValueError with the reason."""
    parts = spec.split("|")
    if len(parts) > 3 or not parts[0].strip():
        raise ValueError("malformed (want ROW|COLUMN, SECTION/KEY|COLUMN or run/KEY, "
                         "optionally |raw)")
    row_spec = parts[0].strip()
    column = parts[1].strip() if len(parts) > 1 else None
    raw = len(parts) == 3 and parts[2].strip() == "raw"
    if len(parts) == 3 and not raw:
        raise ValueError("unknown modifier '%s' (only 'raw')" % parts[2].strip())

    if "/" in row_spec:
        sect, key = (x.strip() for x in row_spec.split("/", 1))
        cands = [t for t in tables if norm(t.section) == norm(sect)]
        if not cands:
            raise ValueError("RESULTS.md has no table in section '%s' (sections: %s)"
                             % (sect, ", ".join(sorted({t.section for t in tables}))))
        found = [(t, ln, r) for t in cands for ln, r in t.rows
                 if r and norm(r[0]) == norm(key)]
        what = "row '%s' in section %s" % (key, sect)
        keys = [r[0] for t in cands for _, r in t.rows if r]
    else:
        cands = [t for t in tables if t.col("#") is not None]
        found = [(t, ln, r) for t in cands for ln, r in t.rows
                 if len(r) > t.col("#") and norm(r[t.col("#")]) == norm(row_spec)]
        what = "row with '#' = '%s'" % row_spec
        keys = [r[t.col("#")] for t in cands for _, r in t.rows if len(r) > t.col("#")]
    if not found:
        raise ValueError("RESULTS.md has no %s (there: %s)" % (what, ", ".join(keys)))
    if len(found) > 1:
        raise ValueError("%s is ambiguous in RESULTS.md (lines %s)"
                         % (what, ", ".join(str(ln) for _, ln, _ in found)))
    t, ln, r = found[0]
    if column is None:
        if len(t.header) != 2:
            raise ValueError("no column given and %s has %d columns" % (t.describe(), len(t.header)))
        ci = 1
        raw = True
    else:
        ci = t.col(column)
        if ci is None:
            raise ValueError("%s has no column '%s' (columns: %s)"
                             % (t.describe(), column, " | ".join(t.header)))
    if t.section == "run":
        raw = True
    if ci >= len(r):
        raise ValueError("RESULTS.md line %d has no cell for column '%s'" % (ln, t.header[ci]))
    cell = r[ci]
    text = cell.strip() if raw else value(cell)
    if norm(text) in ABSENT or norm(value(cell)) in ABSENT:
        raise ValueError("RESULTS.md line %d: no figure in column '%s' (cell '%s')"
                         % (ln, t.header[ci], cell))
    if not raw and not re.search(r"\d", text):
        raise ValueError("RESULTS.md line %d: column '%s' holds '%s', not a figure "
                         "(add |raw to take text)" % (ln, t.header[ci], cell))
    rc = t.col("result")
    res = r[rc] if rc is not None and rc < len(r) else None
    return text, (ln, res)


def main(argv):
    args = argv[1:]
    name = None
    if args[:1] == ["--list"]:
        if len(args) != 2:
            print(__doc__, file=sys.stderr)
            return 2
        for t in parse(args[1]):
            hc = t.col("#")
            for ln, r in t.rows:
                if t.section == "run":
                    print("[[BENCH:run/%s]]  %s" % (r[0], r[1] if len(r) > 1 else ""))
                elif hc is not None or re.match(r"^\d", t.section):
                    key = r[hc] if hc is not None else "%s/%s" % (t.section, r[0])
                    for ci in range(1, min(len(r), len(t.header))):
                        if ci != hc:
                            print("[[BENCH:%s|%s]]  %s" % (key, t.header[ci], r[ci]))
        return 0
    if args[:1] == ["--name"] and len(args) >= 2:
        name, args = args[1], args[2:]
    if len(args) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    results = args[0]
    if len(args) == 2:
        name = name or args[1]
        with open(args[1], encoding="utf-8") as f:
            text = f.read()
    else:
        name = name or "<stdin>"
        text = sys.stdin.read()

    errors = []
    tables = None
    unreadable = False
    out = []
    for lno, line in enumerate(text.split("\n"), 1):
        def sub(m):
            nonlocal tables, unreadable
            if tables is None:
                try:
                    tables = parse(results)
                except OSError as e:
                    errors.append("%s:%d: %s: cannot read %s: %s"
                                  % (name, lno, m.group(0), results, e.strerror))
                    tables, unreadable = [], True
            if unreadable:
                return m.group(0)
            try:
                v, (rln, res) = lookup(tables, m.group(1))
            except ValueError as e:
                errors.append("%s:%d: %s: %s" % (name, lno, m.group(0), e))
                return m.group(0)
            if res is not None and norm(res) not in ("met", "within", "(anchor)", "-"):
                print("cover-figures: warning: %s:%d: %s = %s comes from a row whose "
                      "result is '%s' (RESULTS.md line %d)"
                      % (name, lno, m.group(0), v, res, rln), file=sys.stderr)
            return v
        new = TOKEN.sub(sub, line)
        if "[[BENCH" in TOKEN.sub("", line):
            errors.append("%s:%d: malformed [[BENCH token (one line, "
                          "'[[BENCH:ROW|COLUMN]]'): %s" % (name, lno, line.strip()))
        out.append(new)
    if errors:
        for e in errors:
            print("cover-figures: ERROR: " + e, file=sys.stderr)
        print("cover-figures: %d error(s): every [[BENCH:...]] token must name a figure "
              "of %s (--list shows them); fix the token or regenerate the table "
              "(make bench)" % (len(errors), results), file=sys.stderr)
        return 1
    sys.stdout.write("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
