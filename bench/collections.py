#!/usr/bin/env python3
"""bench/collections.py - hashes, lists, sets and sorted sets: memory per element and redis-benchmark rates,
the node beside redis-server 7, on this machine.

Usage: python3 bench/collections.py [--elements 1000000] [--requests 100000] [--repeat 3] [--skip-memory] [--skip-rates]
  Builds the node in Release, starts it and redis-server on 127.0.0.1 (ports 7611/7612), one process per measurement.

Memory: for each type, a fresh server of each kind is loaded (pipelined RESP over one socket) with --elements small
elements in two shapes: one key holding all of them (Redis: hashtable/quicklist/hashtable/skiplist), and keys of 100
elements each (Redis: listpack/quicklist/intset-or-hashtable/listpack). Printed: RSS growth (VmRSS after the load
less VmRSS before; read 4 s after the load, once the node's idle memory trim has run) in MB, bytes per element, and node/Redis.
Rates: redis-benchmark -q -c 50, one run per test of lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,lrange_100,lrange_600,
mset: unpipelined with -n --requests, -P 16 with ten times as many (so a pipelined run lasts about a second, not a
tenth of one); --repeat runs each (3), which server goes first swapping every run; medians of the rate and of the
server's CPU per request (user + kernel, from /proc/PID/stat around the run). The CPU is the steadier figure: with
redis-benchmark on one thread, it and the server share the two cores, and the run-to-run spread of the rate is wider
than the difference between the servers.
Only 127.0.0.1 is contacted.
"""
import argparse, os, socket, statistics, subprocess, sys, time

from benchlib import proc_status_kib, resp_command

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NODE_DLL = os.path.join(ROOT, "RedisClone.Node/bin/Release/net10.0/RedisClone.Node.dll")
TESTS = "lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,lrange_100,lrange_600,mset"


def rss(pid):
    return proc_status_kib(pid, "VmRSS") * 1024


def start(kind, port):
    if kind == "redis":
        args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    else:
        args = ["dotnet", NODE_DLL, "--port", str(port), "--bind", "127.0.0.1"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{kind} did not start on port {port}")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def encode(*args):
    return b"".join(resp_command(*args))


def load(port, commands):
    """Sends the commands pipelined, 1,000 at a time, and reads every reply (counting CRLF-terminated lines is enough:
    every reply here is an integer or a status)."""
    s = socket.create_connection(("127.0.0.1", port))
    batch = []
    def flush():
        s.sendall(b"".join(batch))
        want = len(batch)
        got = 0
        buf = b""
        while got < want:
            chunk = s.recv(1 << 16)
            if not chunk:
                raise EOFError("closed")
            buf += chunk
            got += buf.count(b"\r\n")
            buf = buf[buf.rfind(b"\r\n") + 2:]
            if chunk.startswith(b"-") or b"\r\n-" in chunk:
                raise RuntimeError(chunk[:200])
        batch.clear()
    for c in commands:
        batch.append(c)
        if len(batch) == 1000:
            flush()
    if batch:
        flush()
    s.close()


def commands(kind, elements, per_key):
    for i in range(elements):
        key = f"{kind}:{i // per_key}" if per_key else f"{kind}:all"
        member = f"element:{i:07d}"
        if kind == "hash":
            yield encode("HSET", key, member, f"value:{i % 10000}")
        elif kind == "list":
            yield encode("RPUSH", key, member)
        elif kind == "set":
            yield encode("SADD", key, member)
        else:
            yield encode("ZADD", key, i, member)


def memory(elements):
    print(f"## Memory: {elements:,} elements, RSS growth in MB (bytes per element)\n")
    print("| type | shape | Redis | node | node / Redis |")
    print("| --- | --- | ---: | ---: | ---: |")
    for kind in ("hash", "list", "set", "zset"):
        for shape, per_key in (("one key", 0), ("100 per key", 100)):
            grown = {}
            for server, port in (("redis", 7612), ("node", 7611)):
                proc = start(server, port)
                try:
                    time.sleep(1)
                    before = rss(proc.pid)
                    load(port, commands(kind, elements, per_key))
                    # Settled: the node's MemoryTrim compacts after a quiet second (checked once a second).
                    time.sleep(4)
                    grown[server] = rss(proc.pid) - before
                finally:
                    stop(proc)
            r, n = grown["redis"], grown["node"]
            print(f"| {kind} | {shape} | {r / 2**20:.0f} ({r / elements:.0f}) | {n / 2**20:.0f} ({n / elements:.0f}) | {n / max(r, 1):.2f} |", flush=True)
    print()


def cpu_ns(pid):
    """User and kernel CPU of a process so far, in ns (fields 14 and 15 of /proc/PID/stat, in clock ticks)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) * 1e9 / tick, int(fields[12]) * 1e9 / tick


def bench_one(port, pid, test, pipeline, requests):
    """One redis-benchmark run of one test: the rate of its last line, and the server's CPU per request in it."""
    user0, kernel0 = cpu_ns(pid)
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(requests), "-P", pipeline, "-q",
                          "-t", test], capture_output=True, text=True, timeout=600).stdout
    user1, kernel1 = cpu_ns(pid)
    rates = [float(line.split(":")[1].split()[0]) for line in out.replace("\r", "\n").splitlines()
             if "requests per second" in line]
    # LRANGE's run is two benchmarks (its LPUSH first); the CPU is charged to all the requests of the run.
    total = requests * len(rates)
    return rates[-1], (user1 - user0) / total, (kernel1 - kernel0) / total


def rates(requests, repeat):
    piped = requests * 10
    print(f"## redis-benchmark -q -c 50, one test per run: -n {requests:,} unpipelined, -n {piped:,} -P 16 "
          f"(median of {repeat}; server CPU per request in ns, user + kernel)\n")
    procs = {"redis": start("redis", 7612), "node": start("node", 7611)}
    ports = {"redis": 7612, "node": 7611}
    try:
        samples = {}
        for rep in range(repeat):
            for test in TESTS.split(","):
                for pipeline, n in (("1", requests), ("16", piped)):
                    # Which server goes first swaps every run, so neither always meets a warmer or cooler machine.
                    order = ("redis", "node") if (rep + (pipeline == "16")) % 2 == 0 else ("node", "redis")
                    for server in order:
                        rate, user, kernel = bench_one(ports[server], procs[server].pid, test, pipeline, n)
                        samples.setdefault((test, pipeline, server), []).append((rate, user, kernel))
        med = {k: tuple(statistics.median(x[i] for x in v) for i in range(3)) for k, v in samples.items()}
        print("| test | pipeline | Redis /s | node /s | node / Redis | Redis CPU ns | node CPU ns | node / Redis |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for test in TESTS.split(","):
            for pipeline in ("1", "16"):
                r, n = med[(test, pipeline, "redis")], med[(test, pipeline, "node")]
                print(f"| {test.upper()} | {'-P 16' if pipeline == '16' else 'none'} | {r[0]:,.0f} | {n[0]:,.0f} | "
                      f"{n[0] / max(r[0], 1):.2f} | {r[1]:,.0f} + {r[2]:,.0f} | {n[1]:,.0f} + {n[2]:,.0f} | "
                      f"{(n[1] + n[2]) / max(r[1] + r[2], 1):.2f} |", flush=True)
    finally:
        for p in procs.values():
            stop(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elements", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="redis-benchmark runs per server and pipeline; medians shown")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--skip-rates", action="store_true")
    o = ap.parse_args()
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "RedisClone.Node"), "-c", "Release", "-v", "q", "-nologo"],
                   check=True, stdout=subprocess.DEVNULL)
    print(f"load average at start: {os.getloadavg()[0]:.1f}\n")
    if not o.skip_memory:
        memory(o.elements)
    if not o.skip_rates:
        rates(o.requests, o.repeat)


if __name__ == "__main__":
    sys.exit(main())
