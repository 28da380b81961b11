#!/usr/bin/env python3
"""Reads `perf script -F ip,sym` output (bench/profile.sh).

perf_frames.py FILE PATTERN...            share of all samples with a frame matching each pattern (inclusive)
perf_frames.py --callees FILE PATTERN     for samples under PATTERN, the share by the frame it called directly
perf_frames.py --split FILE REQUESTS HZ   CPU per request (us): Kestrel's request loop, and what runs outside it
                                          (GC, socket I/O, thread pool, the console logger's thread)
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


def outside_category(stack):
    s = " ".join(stack)
    if "ConsoleLogger" in s or "StreamWriter" in s:
        return "console logger thread"
    if "DoSend" in s or "SendAsync" in s or "__send" in s:
        return "socket send"
    if "DoReceive" in s or "ReceiveAsync" in s or "recv" in s:
        return "socket receive"
    if "epoll" in s or "SocketAsyncEngine" in s:
        return "epoll / socket engine"
    if "Dispatch" in s or "WorkerThread" in s or "futex" in s or "pthread_cond" in s:
        return "thread pool, waits"
    if all("[unknown]" in f or "libcoreclr" in f or "start_thread" in f or "clone" in f for f in stack):
        return "runtime-only stacks (GC threads, mostly)"
    return "other"


def split(path, requests, hz):
    total, counts = 0, collections.Counter()
    for stack in samples(path):
        total += 1
        if any("HttpProtocol+<ProcessRequests>" in frame for frame in stack):
            counts["Kestrel's request loop (parse, app, response)"] += 1
        else:
            counts[outside_category(stack)] += 1
    us = lambda n: n / hz / max(requests, 1) * 1e6
    print(f"{us(total):6.1f} us CPU per request ({total} samples at {hz} Hz, {requests} requests)")
    for name, count in counts.most_common():
        print(f"  {us(count):6.1f} us  {100 * count / max(total, 1):5.1f}%  {name}")


def main(argv):
    if argv and argv[0] == "--split":
        split(argv[1], int(argv[2]), float(argv[3]))
        return
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
