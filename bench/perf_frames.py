#!/usr/bin/env python3
"""Reads `perf script -F ip,sym` output (bench/profile.sh).

perf_frames.py FILE PATTERN...            share of all samples with a frame matching each pattern (inclusive)
perf_frames.py --callees FILE PATTERN     for samples under PATTERN, the share by the frame it called directly
"""
import collections
import re
import sys


def samples(path):
    stack = []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                if stack:
                    yield stack
                stack = []
                continue
            parts = line.split(" ", 1)
            # "ip sym (dso)"; unresolved frames keep their dso in parentheses
            stack.append(parts[1] if len(parts) > 1 else parts[0])
    if stack:
        yield stack


def short(frame):
    frame = re.sub(r"\[(OptimizedTier1|Optimized|QuickJitted|InstrumentedTier[^\]]*|Tier0|PreJIT)\]", "", frame)
    frame = re.sub(r"\(.*", "", frame)
    frame = re.sub(r"^((instance|class|valuetype|bool|void|string|int32|native int|object|!!?\d+) )+", "", frame)
    return frame.strip()[-140:]


def main(argv):
    if argv and argv[0] == "--callees":
        path, pattern = argv[1], argv[2]
        total, hits, callees = 0, 0, collections.Counter()
        for stack in samples(path):
            total += 1
            for i, frame in enumerate(stack):  # stack[0] is the leaf
                if pattern in frame:
                    hits += 1
                    callees[short(stack[i - 1]) if i > 0 else "(its own code)"] += 1
                    break
        print(f"{pattern}: {100 * hits / max(total, 1):.1f}% of samples")
        for name, count in callees.most_common(12):
            print(f"  {100 * count / max(total, 1):5.1f}%  {name}")
        return
    path, patterns = argv[0], argv[1:]
    total, counts = 0, collections.Counter()
    for stack in samples(path):
        total += 1
        for pattern in patterns:
            if any(pattern in frame for frame in stack):
                counts[pattern] += 1
    print(f"{total} samples")
    for pattern in patterns:
        print(f"  {100 * counts[pattern] / max(total, 1):5.1f}%  {pattern}")


if __name__ == "__main__":
    main(sys.argv[1:])
