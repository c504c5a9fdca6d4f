"""One timed flow.run() of a flow with N mapped children, with or without the runner's live-state
handlers (python/xpersist_flow_runner.py's install_handlers, events sent over TCP to the
$XPERSIST_EVENTS_PORT sink the bench runs, as the editor would receive them). Prints JSON.

    python runner_overhead.py plain|handlers N EXECUTOR_JSON
"""

import json
import os
import sys
import time

if __name__ == "__main__":
    mode, n, executor = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../python"))
    import xpersist_flow_runner as runner  # noqa: E402
    import xpersist_events  # noqa: E402
    from prefect import Flow, task  # noqa: E402

    @task
    def square(x):
        return x * x

    @task
    def total(xs):
        return sum(xs)

    with Flow("overhead") as flow:
        total(square.map(list(range(n))))

    if mode == "handlers":
        runner.EVENTS = xpersist_events.Connection()
        xpersist_events.set_sink(runner.EVENTS)
        runner.install_handlers(os.path.abspath(__file__), None)
    ex = runner.build_executor(executor)
    t, c = time.perf_counter(), time.process_time()
    state = flow.run(executor=ex)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    assert state.is_successful(), state
    # CPU time of the process (all threads) holds up under other processes' load; wall time does not.
    print(json.dumps({"mode": mode, "seconds": seconds, "cpu": cpu}))
