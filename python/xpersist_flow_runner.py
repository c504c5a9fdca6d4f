"""Runs a Prefect 1.x flow file for the vscode-xpersist extension and reports task states.

    python xpersist_flow_runner.py FILE [--flow NAME] [--param NAME=JSON ...]

Without --flow the file runs as `python FILE` would (its own flow.run() calls). With --flow,
the file is executed as a module (its `__main__` block skipped, Flow.run() held back), then only
the named flow runs.

Every state change of every task and flow is sent as one JSON line to the extension: over
TCP to 127.0.0.1:$XPERSIST_EVENTS_PORT (first line: $XPERSIST_EVENTS_TOKEN), so the terminal
keeps the user's own output untouched. Without that variable, events go to stderr with the
prefix "XPERSIST_EVENT ".

Nothing here changes what the flow computes: the handlers only observe.
"""

import argparse
import json
import os
import runpy
import socket
import sys
import threading
import time
import traceback

os.environ.setdefault("PREFECT__FLOWS__CHECKPOINTING", "true")


class Events:
    def __init__(self):
        self.lock = threading.Lock()
        self.sock = None
        port = os.environ.get("XPERSIST_EVENTS_PORT")
        if port:
            try:
                self.sock = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
                self.sock.sendall((os.environ.get("XPERSIST_EVENTS_TOKEN", "") + "\n").encode())
            except OSError as e:
                print(f"[xpersist] could not reach the editor for live task states: {e}", file=sys.stderr)
                self.sock = None

    def send(self, **event):
        event.setdefault("time", time.time())
        line = json.dumps(event, default=repr)
        with self.lock:
            if self.sock is not None:
                try:
                    self.sock.sendall((line + "\n").encode())
                    return
                except OSError:
                    self.sock = None
            print("XPERSIST_EVENT " + line, file=sys.stderr, flush=True)


EVENTS = Events()


def user_frame(tb, file):
    """The innermost traceback frame in the user's flow file: where the link should go."""
    best = None
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename) == file:
            best = frame
    return {"file": best.filename, "line": best.lineno} if best else None


def describe_state(state, file):
    info = {"state": type(state).__name__, "message": str(state.message) if state.message else None}
    result = getattr(state, "_result", None)
    location = getattr(result, "location", None)
    if location and state.is_successful():
        info["location"] = str(location)
    if state.is_failed():
        exc = state.result if isinstance(state.result, BaseException) else None
        if exc is not None:
            info["exception"] = f"{type(exc).__name__}: {exc}"
            info["traceback"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            info["where"] = user_frame(exc.__traceback__, file)
        elif state.message:
            info["exception"] = str(state.message)
    return info


def install_handlers(file):
    import prefect
    from prefect.engine.flow_runner import FlowRunner
    from prefect.engine.task_runner import TaskRunner

    def task_handler(runner, old_state, new_state):
        task = runner.task
        EVENTS.send(
            event="task",
            task=task.name,
            slug=prefect.context.get("task_slug") or task.slug,
            map_index=prefect.context.get("map_index"),
            flow=prefect.context.get("flow_name"),
            **describe_state(new_state, file),
        )
        return new_state

    def flow_handler(runner, old_state, new_state):
        EVENTS.send(event="flow", flow=runner.flow.name, **describe_state(new_state, file))
        return new_state

    task_init = TaskRunner.__init__
    flow_init = FlowRunner.__init__

    def patched_task_init(self, task, state_handlers=None, *args, **kwargs):
        task_init(self, task, list(state_handlers or []) + [task_handler], *args, **kwargs)

    def patched_flow_init(self, flow, task_runner_cls=None, state_handlers=None, *args, **kwargs):
        flow_init(self, flow, task_runner_cls, list(state_handlers or []) + [flow_handler], *args, **kwargs)

    TaskRunner.__init__ = patched_task_init
    FlowRunner.__init__ = patched_flow_init


def parse_params(items):
    params = {}
    for item in items or []:
        name, _, value = item.partition("=")
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--flow", help="run only the flow with this name")
    ap.add_argument("--param", action="append", help="NAME=JSON parameter for --flow")
    args = ap.parse_args()
    file = os.path.abspath(args.file)
    # As `python FILE` would: the file's folder on sys.path, the working directory unchanged.
    sys.path.insert(0, os.path.dirname(file))
    EVENTS.send(event="start", file=file, flow=args.flow, python=sys.executable, version=sys.version.split()[0])
    status = 0
    try:
        install_handlers(file)
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
            chosen = [f for f in flows if f.name == args.flow]
            if not chosen:
                names = ", ".join(sorted({f.name for f in flows})) or "none"
                raise SystemExit(f"No flow named {args.flow!r} in {file} (flows: {names})")
            state = chosen[-1].run(parameters=parse_params(args.param))
            if state is not None and state.is_failed():
                status = 1
    except SystemExit as e:
        status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if not isinstance(e.code, int) and e.code is not None:
            print(e.code, file=sys.stderr)
    except BaseException as e:  # report, then fail like python would
        EVENTS.send(event="error", exception=f"{type(e).__name__}: {e}", traceback=traceback.format_exc(),
                    where=user_frame(e.__traceback__, file))
        traceback.print_exc()
        status = 1
    EVENTS.send(event="end", status=status)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(status)


if __name__ == "__main__":
    main()
