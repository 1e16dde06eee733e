"""Groups `perf report --sort dso,sym` self time by .NET assembly (JIT frames) or module."""
import collections
import re
import sys

groups = collections.Counter()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.match(r"\s+([\d.]+)%\s+(.*?)\s+\[(.)\]\s+(.*)", line)
    if not m:
        continue
    pct, dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4)
    assembly = re.search(r"\[([A-Za-z][\w.]+)\]", sym)
    if kind == "k":
        key = "kernel"
    elif dso.startswith("[JIT]") and assembly:
        key = assembly.group(1)
    elif dso.startswith("[JIT]"):
        key = "JIT stubs/unresolved"
    else:
        key = dso
    groups[key] += pct
for key, pct in groups.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 18):
    print(f"{pct:6.2f}%  {key}")
