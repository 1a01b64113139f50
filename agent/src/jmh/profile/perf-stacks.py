#!/usr/bin/env python3
"""Reduces `perf script -F comm,ip,sym` of one recording (perf-load.sh) to counts.

A sample is a line with the thread's name, then its frames, innermost first, then a blank line.
Prints: `group N name` (samples per thread group: the servers' request threads, the JIT, the
collector (with the serial collector: the VM thread, safepoint work included), the rest);
`thread N name` (the busiest threads); `agent N` (request-thread samples with an agent frame,
io.corsguard.* other than the demo app, anywhere on the stack); `entry N frame` (of those, the
outermost agent frame: where the agent was entered); `leaf N frame` (their innermost frame);
`self N frame` (request-thread samples by innermost frame, all code, for the top of the flat
profile).
"""
import collections
import sys

groups = collections.Counter()
comms = collections.Counter()
entry = collections.Counter()
leaf = collections.Counter()
flat = collections.Counter()
agent = 0


def is_agent(frame):
    return 'io.corsguard.' in frame and 'io.corsguard.demo' not in frame


def group(comm):
    if comm.startswith('C1') or comm.startswith('C2'):
        return 'jit'
    # the serial collector (a JVM pinned to one CPU) collects on the VM thread; G1 and the
    # parallel collector on their own threads
    if comm == 'VM' or comm.startswith('GC') or comm.startswith('G1'):
        return 'gc'
    # Netty's event loops (nioEventLoopGroup-3-1) and Tomcat's threads (http-nio-<port>-exec-N and
    # its poller; a thread's name is cut to 15 characters here)
    if comm.startswith('nioEventLoop') or comm.startswith('http-nio-'):
        return 'request'
    return 'other'


def flush(comm, frames):
    global agent
    if comm is None:
        return
    g = group(comm)
    groups[g] += 1
    comms[comm] += 1
    if g != 'request':
        return
    flat[frames[0] if frames else '?'] += 1
    on_stack = [f for f in frames if is_agent(f)]
    if on_stack:
        agent += 1
        entry[on_stack[-1]] += 1
        leaf[frames[0]] += 1


comm, frames = None, []
for line in sys.stdin:
    if not line.strip():
        flush(comm, frames)
        comm, frames = None, []
    elif not line[0].isspace():
        flush(comm, frames)
        comm, frames = line.split()[0], []
    else:
        parts = line.strip().split(None, 1)
        frames.append(parts[1] if len(parts) > 1 else parts[0])
flush(comm, frames)
for k, v in groups.most_common():
    print('group', v, k)
for k, v in comms.most_common(8):
    print('thread', v, k)
print('agent', agent)
for name, counter, n in (('entry', entry, 20), ('leaf', leaf, 40), ('self', flat, 40)):
    for k, v in counter.most_common(n):
        print(name, v, k)
