"""Runs a Prefect 1.x flow file for the vscode-xpersist extension and reports task states.

    python xpersist_flow_runner.py FILE [--flow NAME] [--param NAME=JSON ...]

Without --flow the file runs as `python FILE` would (its own flow.run() calls). With --flow,
the file is executed as a module (its `__main__` block skipped, Flow.run() held back), then only
the named flow runs; a NAME with `*` (`regional-*`, a flow made in a loop or a factory) runs every
flow it matches, one after the other, unless a flow has exactly that name.

With --executor JSON, every flow.run() of the file uses that executor instead of its own
(LocalExecutor, LocalDaskExecutor, DaskExecutor with an address or a cluster class).

Every state change of every task and flow is sent as one JSON line to the extension: over
TCP to 127.0.0.1:$XPERSIST_EVENTS_PORT (first line: $XPERSIST_EVENTS_TOKEN), so the terminal
keeps the user's own output untouched. Without that variable, events go to stderr with the
prefix "XPERSIST_EVENT ".

Nothing here changes what the flow computes: the handlers only observe.
"""

import argparse
import contextlib
import functools
import json
import os
import re
import runpy
import signal
import sys
import threading
import time
import traceback
import uuid

# This folder on sys.path for local executor processes too (they inherit sys.path).
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import xpersist_events  # noqa: E402

os.environ.setdefault("PREFECT__FLOWS__CHECKPOINTING", "true")

EVENTS = None  # the connection to the editor, opened in main() (not in spawned children)


def send(**event):
    EVENTS.send(event)


LOCAL_CLUSTERS = ("distributed.LocalCluster", "dask.distributed.LocalCluster", "distributed.deploy.local.LocalCluster")


def build_executor(spec):
    """The executor the editor chose: {"type": class name, **the keyword arguments Prefect takes}."""
    from prefect import executors

    kwargs = dict(spec)
    name = kwargs.pop("type", None)
    if name not in ("LocalExecutor", "LocalDaskExecutor", "DaskExecutor"):
        raise SystemExit(f"Unknown executor {name!r}")
    if name == "DaskExecutor" and not kwargs.get("address"):
        kwargs.setdefault("cluster_class", "distributed.LocalCluster")
        if kwargs["cluster_class"] in LOCAL_CLUSTERS:
            # A cluster on this machine listens on loopback only, on free ports.
            cluster_kwargs = dict(kwargs.get("cluster_kwargs") or {})
            cluster_kwargs.setdefault("host", "127.0.0.1")
            cluster_kwargs.setdefault("dashboard_address", "127.0.0.1:0")
            kwargs["cluster_kwargs"] = cluster_kwargs
    return getattr(executors, name)(**kwargs)


def executor_info(executor):
    """What the editor shows about the executor a run uses."""
    info = {"kind": type(executor).__name__}
    for attr in ("scheduler", "num_workers", "address"):
        value = getattr(executor, attr, None)
        if value is not None:
            info[attr] = value if isinstance(value, (int, str)) else str(value)
    cluster_class = getattr(executor, "cluster_class", None)
    if cluster_class is not None and not getattr(executor, "address", None):
        info["cluster_class"] = f"{cluster_class.__module__}.{cluster_class.__qualname__}"
    return info


class DaskRelay:
    """Events that Dask workers log under xpersist_events.TOPIC, passed on to the editor."""

    def __init__(self, client):
        self.client = client
        self.flushed = set()
        self.token = uuid.uuid4().hex
        self.stop = threading.Event()
        client.subscribe_topic(xpersist_events.TOPIC, self.receive)

    def receive(self, event):
        _, msg = event
        if msg.get("event") == "flush":
            if msg.get("token") == self.token:
                self.flushed.add(msg.get("worker"))
        else:
            EVENTS.send(dict(msg))

    def workers(self):
        try:
            return sorted(self.client.scheduler_info().get("workers", {}))
        except Exception:
            return None

    def watch_workers(self):
        """The worker count, sent again whenever it changes (adaptive and HPC clusters scale)."""
        last = None
        while not self.stop.wait(1.0):
            workers = self.workers()
            if workers is not None and len(workers) != last:
                last = len(workers)
                send(event="workers", workers=last)

    def flush(self, timeout=10.0):
        """Waits until every worker's marker arrived: then all its earlier events have too."""
        self.stop.set()
        expected = set(self.workers() or [])
        try:
            self.client.run(xpersist_events.flush_marker, self.token)
        except Exception as e:
            print(f"[xpersist] could not collect the last task states from the workers: {e}", file=sys.stderr)
            return
        deadline = time.monotonic() + timeout
        while not expected <= self.flushed and time.monotonic() < deadline:
            time.sleep(0.05)


def wrap_start(cls):
    """Reports each executor a flow run starts; relays a Dask cluster's worker events."""
    original = cls.start

    @contextlib.contextmanager
    def start(self):
        with original(self):
            info = executor_info(self)
            client = getattr(self, "client", None)
            relay = None
            if client is not None:
                # Remote workers import the handler's module by name: give it to them.
                client.upload_file(os.path.join(HERE, "xpersist_events.py"))
                relay = DaskRelay(client)
                info.update(
                    address=str(client.scheduler.address),
                    dashboard=client.dashboard_link,
                    started_cluster=not getattr(self, "address", None),
                    workers=len(relay.workers() or []),
                )
                threading.Thread(target=relay.watch_workers, daemon=True).start()
            send(event="executor", **info)
            try:
                yield
            except BaseException:
                if relay is not None:
                    relay.stop.set()  # stopping: no waiting for workers' last events
                raise
            if relay is not None:
                relay.flush()

    cls.start = start


def install_handlers(file, executor_spec):
    from prefect import Flow
    from prefect.engine.flow_runner import FlowRunner
    from prefect.executors import DaskExecutor, LocalDaskExecutor, LocalExecutor

    # Prefect calls these where each task runs (a worker, a child process): passed to every flow
    # run as task_runner_state_handlers, a module function pickled by name.
    task_handler = functools.partial(xpersist_events.task_handler, file=file)

    def flow_handler(runner, old_state, new_state):
        send(event="flow", flow=runner.flow.name, **xpersist_events.describe_state(new_state, file))
        return new_state

    flow_init = FlowRunner.__init__
    flow_runner_run = FlowRunner.run
    flow_run = Flow.run

    def patched_flow_init(self, flow, task_runner_cls=None, state_handlers=None, *args, **kwargs):
        flow_init(self, flow, task_runner_cls, list(state_handlers or []) + [flow_handler], *args, **kwargs)

    def patched_flow_runner_run(self, *args, **kwargs):
        kwargs["task_runner_state_handlers"] = list(kwargs.get("task_runner_state_handlers") or []) + [task_handler]
        return flow_runner_run(self, *args, **kwargs)

    def patched_flow_run(self, *args, **kwargs):
        if executor_spec is not None:
            kwargs["executor"] = build_executor(executor_spec)  # the editor's choice wins
        return flow_run(self, *args, **kwargs)

    FlowRunner.__init__ = patched_flow_init
    FlowRunner.run = patched_flow_runner_run
    Flow.run = patched_flow_run
    for cls in (LocalExecutor, LocalDaskExecutor, DaskExecutor):
        wrap_start(cls)


GRACE_SECONDS = 10


def stop_on_signals():
    """Cancel (SIGTERM, or SIGHUP when the terminal closes) unwinds like Ctrl-C, so that the
    executor's context exits and closes a cluster the run started."""

    def interrupt(signum, frame):
        # Closing a cluster can wait on busy workers: after a grace period, stop regardless.
        timer = threading.Timer(GRACE_SECONDS, force_exit)
        timer.daemon = True
        timer.start()
        signal.signal(signum, signal.SIG_DFL)
        raise KeyboardInterrupt(f"stopped by signal {signum}")

    def force_exit():
        print("[xpersist] the run did not stop in time: stopping its processes", file=sys.stderr, flush=True)
        reap_children()
        os._exit(130)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupt)


def reap_children():
    """Nothing of the run outlives it: local worker processes still alive are stopped."""
    try:
        import psutil
    except ImportError:
        return
    children = psutil.Process().children(recursive=True)
    for child in children:
        with contextlib.suppress(psutil.Error):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=3)
    for child in alive:
        with contextlib.suppress(psutil.Error):
            child.kill()


def parse_params(items):
    params = {}
    for item in items or []:
        name, _, value = item.partition("=")
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params


def choose_flows(flows, name):
    """The flows --flow NAME runs: the last one built with that name (a flow rebuilt keeps its
    latest version); else, for a pattern with `*` (a flow made in a loop or a factory, which the
    editor names `regional-*`), every flow whose name it matches, in the order the file builds them."""
    exact = [f for f in flows if f.name == name]
    if exact:
        return exact[-1:]
    if "*" not in name:
        return []
    pattern = re.compile(".*".join(re.escape(part) for part in name.split("*")), re.S)
    return [f for f in flows if isinstance(f.name, str) and pattern.fullmatch(f.name)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--flow", help="run only the flow with this name (with *: every flow it matches)")
    ap.add_argument("--param", action="append", help="NAME=JSON parameter for --flow")
    ap.add_argument("--executor", help="JSON: the executor every flow.run() uses (default: the file's)")
    args = ap.parse_args()
    global EVENTS
    EVENTS = xpersist_events.Connection()
    xpersist_events.set_sink(EVENTS)
    executor_spec = json.loads(args.executor) if args.executor else None
    file = os.path.abspath(args.file)
    # As `python FILE` would: the file's folder on sys.path, the working directory unchanged.
    sys.path.insert(0, os.path.dirname(file))
    send(event="start", file=file, flow=args.flow, python=sys.executable, version=sys.version.split()[0])
    status = 0
    stop_on_signals()
    try:
        install_handlers(file, executor_spec)
        if not args.flow:
            sys.argv = [file]
            runpy.run_path(file, run_name="__main__")
        else:
            from prefect import Flow

            flows = []
            real_run = Flow.run
            flow_init = Flow.__init__

            def recording_init(self, *a, **k):
                flow_init(self, *a, **k)
                flows.append(self)

            Flow.__init__ = recording_init
            Flow.run = lambda self, *a, **k: None  # the file's own runs are held back
            try:
                sys.argv = [file]
                # Not "__main__": the file's `if __name__ == "__main__":` block is the whole-file
                # run, which --flow replaces.
                runpy.run_path(file, run_name="__xpersist_flow__")
            finally:
                Flow.__init__ = flow_init
                Flow.run = real_run
            chosen = choose_flows(flows, args.flow)
            if not chosen:
                names = ", ".join(sorted({f.name for f in flows})) or "none"
                raise SystemExit(f"No flow named {args.flow!r} in {file} (flows: {names})")
            parameters = parse_params(args.param)
            for flow in chosen:
                state = flow.run(parameters=parameters)
                if state is not None and state.is_failed():
                    status = 1
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, int) and e.code is not None:
            print(e.code, file=sys.stderr)
    except BaseException as e:  # report, then fail like python would
        send(event="error", exception=f"{type(e).__name__}: {e}", traceback=traceback.format_exc(),
             where=xpersist_events.user_frame(e.__traceback__, file))
        traceback.print_exc()
        status = 130 if isinstance(e, KeyboardInterrupt) else 1
    finally:
        reap_children()
    send(event="end", status=status)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(status)


if __name__ == "__main__":
    main()
