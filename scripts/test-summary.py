#!/usr/bin/env python3
"""Sums up the Surefire XML reports under the given directories: every failed or erroring test with its first message
line, then one closing line `tests: N passed, N failed, N skipped`. Exit code 1 when any test failed or errored, or when
no test ran at all (an empty run must not pass for a green one)."""
import glob
import os
import sys
import xml.etree.ElementTree as ET


def reports(roots):
    for root in roots:
        # Modules sit at the top of the checkout; their build directories are target/ or target-NAME/.
        yield from sorted(glob.glob(os.path.join(root, "*", "target*", "surefire-reports", "TEST-*.xml")))


def main(roots):
    passed = failed = skipped = 0
    failures = []
    unreadable = []
    for path in reports(roots):
        try:
            suite = ET.parse(path).getroot()
        except ET.ParseError as e:  # a JVM killed mid-write leaves a truncated report: that is a failure, not a pass
            unreadable.append(f"{path}: {e}")
            continue
        for case in suite.iter("testcase"):
            name = f"{case.get('classname')}#{case.get('name')}"
            bad = case.find("failure")
            if bad is None:
                bad = case.find("error")
            if bad is not None:
                failed += 1
                first = (bad.get("message") or bad.get("type") or "").strip().splitlines()
                failures.append(f"{name}: {first[0][:300] if first else '(no message)'}")
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
    if failures or unreadable:
        print(f"== {len(failures)} failed test(s), {len(unreadable)} unreadable report(s):")
        for line in failures + unreadable:
            print(f"  FAILED {line}")
    print(f"tests: {passed} passed, {failed + len(unreadable)} failed, {skipped} skipped")
    return 1 if failed or unreadable or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["."]))
