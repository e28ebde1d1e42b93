"""redis-py against a 3-node RedisClone cluster, with its default settings (RESP2: Debian's redis-py 4.3 has no RESP3).

Usage: redis_py_scenario.py --ports P1,P2,P3 --prefix NAME

The data client talks to node 1, the subscriber to node 3. Prints "STEP <name>" per step, "RESTART 1 3" when it wants
the test to restart those nodes (and waits for "RESTARTED" on standard input), and "DONE" at the end; an assertion
or a client error ends it with the traceback and exit status 1.
"""
import argparse
import sys
import time

import redis


def step(name):
    print(f"STEP {name}", flush=True)


def wait_for(condition, what, seconds=10.0, every=0.02):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(every)


def restart(*nodes):
    print("RESTART " + " ".join(str(n) for n in nodes), flush=True)
    reply = sys.stdin.readline().strip()
    assert reply == "RESTARTED", f"expected RESTARTED from the test, got {reply!r}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ports", required=True)
    parser.add_argument("--prefix", required=True)
    options = parser.parse_args()
    ports = [int(p) for p in options.ports.split(",")]

    def k(name):
        return f"{options.prefix}:{name}"

    def kb(name):
        return k(name).encode()

    client = redis.Redis(host="127.0.0.1", port=ports[0])
    subscriber = redis.Redis(host="127.0.0.1", port=ports[2])

    step("connect")
    assert client.ping() is True
    info = client.execute_command("CLIENT", "INFO").decode()
    assert " resp=2 " in info, info

    step("strings with expiry")
    assert client.set(k("greeting"), "hello", ex=100) is True
    assert client.get(k("greeting")) == b"hello"
    ttl = client.ttl(k("greeting"))
    assert 0 < ttl <= 100, ttl
    assert client.expire(k("greeting"), 50) is True
    assert client.pttl(k("greeting")) <= 50_000
    assert client.persist(k("greeting")) is True
    assert client.ttl(k("greeting")) == -1
    assert client.set(k("short"), "x", px=200) is True
    assert client.pttl(k("short")) > 0
    wait_for(lambda: client.get(k("short")) is None, "the 200 ms key to expire", 5)
    assert client.incrbyfloat(k("float"), 1.5) == 1.5
    assert client.mget(k("greeting"), k("missing")) == [b"hello", None]

    step("pipeline")
    pipeline = client.pipeline(transaction=False)
    for i in range(100):
        pipeline.set(k(f"p:{i}"), str(i))
    pipeline.incrby(k("counter"), 5).get(k("p:42")).incr(k("greeting"))
    results = pipeline.execute(raise_on_error=False)
    assert results[:100] == [True] * 100, results[:100]
    assert results[100:102] == [5, b"42"], results[100:102]
    assert isinstance(results[102], redis.ResponseError), results[102]
    assert str(results[102]) == "value is not an integer or out of range", str(results[102])

    step("MULTI/EXEC transaction")
    transaction = client.pipeline()  # transaction=True: MULTI ... EXEC
    assert transaction.set(k("t"), "1").incr(k("t")).get(k("t")).execute() == [True, 2, b"2"]
    with client.pipeline() as watched:
        watched.watch(k("w"))
        client.set(k("w"), "changed by another client")
        watched.multi()
        watched.set(k("w"), "mine")
        try:
            watched.execute()
            raise AssertionError("EXEC ran although a watched key changed")
        except redis.WatchError:
            pass
    assert client.get(k("w")) == b"changed by another client"

    step("KEYS and SCAN")
    names = sorted(kb(f"scan:{i}") for i in range(30))
    assert client.mset({name: "v" for name in names}) is True
    assert sorted(client.keys(k("scan:*"))) == names
    assert sorted(set(client.scan_iter(match=k("scan:*"), count=7))) == names

    step("subscribe and psubscribe on node 3, publish on node 1")
    pubsub = subscriber.pubsub()
    pubsub.subscribe(k("news"))
    pubsub.psubscribe(k("n*"))
    assert next_message(pubsub) == {"type": "subscribe", "pattern": None, "channel": kb("news"), "data": 1}
    assert next_message(pubsub) == {"type": "psubscribe", "pattern": None, "channel": kb("n*"), "data": 2}
    assert client.publish(k("news"), "hello") == 0  # PUBLISH counts node 1's own receivers: none
    assert next_message(pubsub) == {"type": "message", "pattern": None, "channel": kb("news"), "data": b"hello"}
    assert next_message(pubsub) == {"type": "pmessage", "pattern": kb("n*"), "channel": kb("news"), "data": b"hello"}

    step("unsubscribe")
    pubsub.unsubscribe(k("news"))
    assert next_message(pubsub) == {"type": "unsubscribe", "pattern": None, "channel": kb("news"), "data": 1}
    client.publish(k("news"), "after unsubscribe")
    # A message frame would have come first, on the same connection: only the pattern still matches.
    assert next_message(pubsub) == {"type": "pmessage", "pattern": kb("n*"), "channel": kb("news"), "data": b"after unsubscribe"}
    pubsub.punsubscribe()
    assert next_message(pubsub) == {"type": "punsubscribe", "pattern": None, "channel": kb("n*"), "data": 0}

    step("reconnect after nodes 1 and 3 restart")
    pubsub.subscribe(k("again"))
    pubsub.psubscribe(k("a*"))
    assert next_message(pubsub)["type"] == "subscribe"
    assert next_message(pubsub)["type"] == "psubscribe"
    restart(1, 3)
    # redis-py 4 may report the broken connection once (ConnectionError); the next command connects again.
    errors = []

    def ping():
        try:
            return client.ping()
        except redis.ConnectionError as error:
            errors.append(error)
            return False

    wait_for(ping, "the client to reconnect to node 1", 30, 0.1)
    print(f"(redis-py raised {len(errors)} ConnectionError(s) before reconnecting: {[str(e) for e in errors]})", flush=True)
    assert client.set(k("after"), "restart") is True
    assert client.get(k("greeting")) is None, "the restarted node starts empty"
    # The subscriber's PubSub connects again and subscribes again by itself (after reporting the broken connection once).
    received = []
    sent = 0

    def resubscribed():
        nonlocal sent
        client.publish(k("again"), f"after restart {sent}")
        sent += 1
        deadline = time.monotonic() + 0.2
        while time.monotonic() < deadline:
            try:
                message = pubsub.get_message(timeout=0.05)
            except redis.ConnectionError as error:
                print(f"(redis-py PubSub raised ConnectionError: {error})", flush=True)
                continue
            if message is not None and message["type"] in ("message", "pmessage"):
                received.append(message)
        return {m["type"] for m in received} == {"message", "pmessage"}

    wait_for(resubscribed, "the resubscribed channel and pattern to receive on node 3", 30, 0)
    message = next(m for m in received if m["type"] == "message")
    assert message["channel"] == kb("again"), message
    assert any(m["type"] == "pmessage" and m["pattern"] == kb("a*") and m["data"] == message["data"] for m in received), received

    step("quit")
    pubsub.close()
    client.close()
    subscriber.close()
    print("DONE", flush=True)


def next_message(pubsub, seconds=10.0):
    """The next pub/sub frame (confirmations included), waiting up to the deadline."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = pubsub.get_message(timeout=0.1)
        if message is not None:
            return message
    raise AssertionError(f"no pub/sub message within {seconds} s")


if __name__ == "__main__":
    main()
