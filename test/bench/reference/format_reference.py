# Formats the files named on the command line with sesam-py's format_json (the reference of the
# bench): read, json.loads, format_json, write when the text changes. With
# SESAMFLOW_BENCH_RSS set, writes the peak resident set size (KiB) there at the end.
import json
import os
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsonformat import format_json  # noqa: E402

for name in sys.argv[1:]:
    with open(name, encoding="utf-8") as f:
        text = f.read()
    formatted = format_json(json.loads(text))
    if formatted != text:
        with open(name, "w", encoding="utf-8") as f:
            f.write(formatted)

if os.environ.get("SESAMFLOW_BENCH_RSS"):
    with open(os.environ["SESAMFLOW_BENCH_RSS"], "w") as f:
        f.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
