#!/usr/bin/env python3
"""bench/big_values.py - big values on one server: growing a value with APPEND, a big SET, and the idle RSS after.

Usage: python3 bench/big_values.py PORT PID [--appends 40] [--piece-mb 10] [--set-mb 100] [--set-repeat 1] [--idle-wait 10]

Measures, against the server listening on 127.0.0.1:PORT whose process is PID (its /proc/PID/status is read):
  - APPEND: --appends pieces of --piece-mb MB to one key, one after another; total seconds, the slowest PING answered
    by a second client meanwhile (how long other clients stall), and the peak RSS (VmHWM);
  - SET: one --set-mb MB value, seconds from the first byte sent to the reply;
  - RSS idle before, right after DEL of both keys, and --idle-wait seconds later.
Prints one line per figure. Only 127.0.0.1 is contacted.
"""
import argparse, socket, threading, time

from benchlib import proc_status_kib, resp_command as command

def status(pid, field):
    return proc_status_kib(pid, field) * 1024

def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s

def send(s, parts):
    for p in parts:
        s.sendall(p)

def reply(s):
    data = b""
    while not data.endswith(b"\r\n"):
        chunk = s.recv(4096)
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("pid", type=int)
    ap.add_argument("--appends", type=int, default=40)
    ap.add_argument("--piece-mb", type=int, default=10)
    ap.add_argument("--set-mb", type=int, default=100)
    ap.add_argument("--set-repeat", type=int, default=1, help="SET the big value this many times, one figure each")
    ap.add_argument("--idle-wait", type=float, default=10)
    o = ap.parse_args()
    s = connect(o.port)
    send(s, command("DEL", "big:append", "big:set")); reply(s)
    time.sleep(1)
    print(f"rss_idle_before_mb {status(o.pid, 'VmRSS') / 2**20:.0f}")

    stop = threading.Event()
    worst = [0.0]
    def pinger():
        p = connect(o.port)
        while not stop.is_set():
            t = time.perf_counter()
            send(p, command("PING")); reply(p)
            worst[0] = max(worst[0], time.perf_counter() - t)
            time.sleep(0.005)
        p.close()
    th = threading.Thread(target=pinger); th.start()
    piece = b"x" * (o.piece_mb * 2**20)
    t = time.perf_counter()
    for _ in range(o.appends):
        send(s, command("APPEND", "big:append", piece)); reply(s)
    append_s = time.perf_counter() - t
    stop.set(); th.join()
    print(f"append_{o.appends}x{o.piece_mb}mb_s {append_s:.2f}")
    print(f"append_worst_ping_ms {worst[0] * 1000:.0f}")
    print(f"append_peak_rss_mb {status(o.pid, 'VmHWM') / 2**20:.0f}")

    value = b"y" * (o.set_mb * 2**20)
    for _ in range(o.set_repeat):
        t = time.perf_counter()
        send(s, command("SET", "big:set", value)); reply(s)
        print(f"set_{o.set_mb}mb_s {time.perf_counter() - t:.2f}")
    print(f"peak_rss_mb {status(o.pid, 'VmHWM') / 2**20:.0f}")
    del value, piece
    send(s, command("DEL", "big:append", "big:set")); reply(s)
    time.sleep(0.5)
    print(f"rss_after_del_mb {status(o.pid, 'VmRSS') / 2**20:.0f}")
    time.sleep(o.idle_wait)
    print(f"rss_idle_after_{o.idle_wait:.0f}s_mb {status(o.pid, 'VmRSS') / 2**20:.0f}")

if __name__ == "__main__":
    main()
