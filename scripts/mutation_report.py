"""Kill rate per target of the last `mutmut run` (read from mutants/**/*.py.meta), and the survivors.

Usage: python scripts/mutation_report.py [--fail-under 90]
A mutant counts as killed when a test failed (or errored, or timed out) with it applied; "no tests"
mutants (no selected test reaches the function) count as survivors, because nothing would notice them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

TARGETS = ("scoring/engine/", "scoring/formats/", "agencies/permissions.py", "agencies/policy.py")
KILLED = {"killed", "timeout", "caught by type check"}


def load(root: Path) -> dict[str, dict[str, str]]:
    """Source path → {mutant name: status}."""
    results = {}
    for meta in sorted(root.rglob("*.py.meta")):
        source = meta.relative_to(root).as_posix().removesuffix(".meta")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        results[source] = {name: status_by_exit_code[code] for name, code in codes.items()}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", default="mutants", type=Path)
    parser.add_argument("--fail-under", type=float, default=None, help="exit 1 if a target's rate is lower")
    args = parser.parse_args()
    results = load(args.mutants)
    if not results:
        print("no mutmut results under", args.mutants, file=sys.stderr)
        return 2
    failed = False
    print(f"{'target':<28}{'killed':>8}{'total':>8}{'rate':>9}   other")
    for target in TARGETS:
        statuses = Counter(
            status
            for path, mutants in results.items()
            if path.startswith(target)
            for status in mutants.values()
        )
        total = sum(statuses.values())
        killed = sum(count for status, count in statuses.items() if status in KILLED)
        rate = 100 * killed / total if total else 0.0
        other = ", ".join(
            f"{status} {count}" for status, count in sorted(statuses.items()) if status not in KILLED
        )
        print(f"{target:<28}{killed:>8}{total:>8}{rate:>8.1f}%   {other}")
        failed |= args.fail_under is not None and rate < args.fail_under
    print("\nNot killed (show one with: .venv/bin/mutmut show NAME):")
    for mutants in results.values():
        for name, status in mutants.items():
            if status not in KILLED and status != "not checked":  # an unfinished run: counted above
                print(f"  {status:<12} {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
