// Command-line options of the project's scripts: `--name value` and `--flag`.
const argv = process.argv.slice(2);

/** The value after `--name`, or `dflt` when absent. */
export function option(name, dflt) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
}

/** Whether `--name` is given. */
export function flag(name) {
  return argv.includes(name);
}
