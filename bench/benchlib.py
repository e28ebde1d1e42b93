"""bench/benchlib.py - helpers the bench Python scripts share (import benchlib; the scripts run from bench/)."""


def proc_status_kib(pid, field):
    """A field of /proc/PID/status in KiB (VmRSS, VmHWM, ...)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def resp_command(*args):
    """A command as RESP, in parts: a big argument is sent as it is, never copied into one buffer."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n" % len(a))
        out.append(a)
        out.append(b"\r\n")
    return out
