"""Peak memory of reading a CSV: MLP Studio's reader against ``numpy.loadtxt``, same files.

    python benchmarks/csv_memory.py [--rows 1000000,10000000] [--dir DIR]

Each read runs in a fresh process, which reports the growth of its peak resident
memory (``ru_maxrss``) over its resident memory just before the read, so the
interpreter and imports are not counted. A file has a header ``x1,x2,z`` and
rows of three numbers in [0, 10) with 4 decimals (21 bytes a row, so 10^7 rows stay under the 256 MB limit). Reported per
file: the growth divided by the file size and by the parsed array's size
(rows x 3 x 8 bytes), for MLP Studio and for ``numpy.loadtxt(delimiter=",",
skiprows=1)`` as the peer.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys
sys.path.insert(0, sys.argv[3])
import numpy as np
from mlp_studio.io.csv_table import read_csv

def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

before = rss_kb()
if sys.argv[1] == "mlp-studio":
    values = read_csv(sys.argv[2]).values
else:
    values = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_bytes": (peak - before) * 1024, "array_bytes": values.nbytes,
                  "rows": values.shape[0]}))
"""


def write_csv(path: Path, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    with path.open("w") as f:
        f.write("x1,x2,z\n")
        for start in range(0, rows, 1_000_000):
            block = rng.random((min(1_000_000, rows - start), 3)) * [10, 1, 1]
            np.savetxt(f, block, fmt="%.4f", delimiter=",")


def measure(reader: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, reader, str(path), str(ROOT)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,10000000")
    parser.add_argument("--dir", help="where to write the CSV files (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        print("| rows | file MB | array MB | MLP Studio peak growth / file | / array "
              "| numpy.loadtxt peak growth / file | / array |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for rows in map(int, args.rows.split(",")):
            path = Path(tmp) / f"rows{rows}.csv"
            write_csv(path, rows)
            size = path.stat().st_size
            ours, peer = measure("mlp-studio", path), measure("loadtxt", path)
            assert ours["rows"] == peer["rows"] == rows
            array = ours["array_bytes"]
            print(f"| {rows:,} | {size / 2**20:.0f} | {array / 2**20:.0f} "
                  f"| {ours['growth_bytes'] / size:.2f} | {ours['growth_bytes'] / array:.2f} "
                  f"| {peer['growth_bytes'] / size:.2f} | {peer['growth_bytes'] / array:.2f} |")
            path.unlink()


if __name__ == "__main__":
    main()
