"""Groups `perf report --sort dso,sym` self time by .NET assembly (JIT frames, Native AOT symbols) or module."""
import collections
import re
import sys

# Native AOT (canaria-gateway built with StripSymbols=false) names managed code <mangled assembly>_<namespace>_<type>__<method>
# and its runtime helpers Rhp*/Rh*; the GC and the rest of the runtime are C++ (WKS::..., no prefix).
NATIVE_AOT_PREFIXES = [
    ("S_P_CoreLib_", "System.Private.CoreLib"), ("S_P_Uri_", "System.Private.Uri"), ("System_Net_Http_", "System.Net.Http"),
    ("Microsoft_AspNetCore_Server_Kestrel_Core_", "Microsoft.AspNetCore.Server.Kestrel.Core"),
    ("Microsoft_AspNetCore_Server_Kestrel_Transport_Sockets_", "Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets"),
    ("System_IO_Pipelines_", "System.IO.Pipelines"), ("System_Net_Sockets_", "System.Net.Sockets"),
    ("System_Threading_Channels_", "System.Threading.Channels"), ("Canaria_Gateway_", "Canaria.Gateway"),
    ("Microsoft_Extensions_Primitives_", "Microsoft.Extensions.Primitives"), ("System_Collections_Immutable_", "System.Collections.Immutable"),
    ("System_Net_Primitives_", "System.Net.Primitives"), ("Microsoft_AspNetCore_", "Microsoft.AspNetCore (other)"),
    ("Rh", "native AOT runtime helpers (Rh*)"), ("WKS::", "GC"),
]


def native_aot_group(sym):
    for prefix, name in NATIVE_AOT_PREFIXES:
        if sym.startswith(prefix):
            return name
    return "canaria-gateway (other)"


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
    elif dso == "canaria-gateway":
        key = native_aot_group(sym)
    else:
        key = dso
    groups[key] += pct
for key, pct in groups.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 18):
    print(f"{pct:6.2f}%  {key}")
