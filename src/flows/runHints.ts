// The likely cause of a failed run, from the exceptions Prefect reported, for the failure toast:
// the errors a first run of an xpersist flow meets (docs/xpersist-format.md, "CacheStore API
// behaviour": nested keys on a local filesystem, serializers missing from the registry).

export interface RunFailure {
  task: string;
  exception?: string;
  traceback?: string;
}

const MISSING_FOLDER =
  /FileNotFoundError|PermissionError|Cannot save file into a non-existent directory|No such file or directory/;
// catalogue's message, typo included; any other RegistryError naming a quoted name after it.
const REGISTRY = [
  /Cant't find '([^']+)' in registry/,
  /find '([^']+)' in registry/,
  /RegistryError\W+'([^']+)'/,
];
const NO_RESULT = /ResultNotImplementedError/;

/** One sentence naming the likely cause and its fix, or null when none matches. */
export function runFailureHint(failures: readonly RunFailure[]): string | null {
  for (const f of failures) {
    const text = `${f.exception ?? ''}\n${f.traceback ?? ''}`;
    const reg = REGISTRY.map((re) => re.exec(text)).find((m) => m);
    if (reg) {
      const name = reg[1];
      return `Likely cause: the serializer '${name}' is not registered in this Python's xpersist (2021.12.17 has xarray.zarr, xarray.netcdf, xcollection and joblib). Use one of those or register '${name}' before the flow runs.`;
    }
    if (MISSING_FOLDER.test(text) && /xpersist|artifact\.json|to_netcdf|to_csv|joblib|zarr/.test(text)) {
      return `Likely cause: ${f.task}'s target is a nested key and xpersist does not create its folders. Add storage_options={"auto_mkdir": True} to the CacheStore(...) (the target's warning has a quick fix); non-zarr serializers also need the data folder to exist.`;
    }
    if (NO_RESULT.test(text)) {
      return `Likely cause: ${f.task} has a target but no result: pass result=XpersistResult(store, serializer=...) to the task or the Flow.`;
    }
  }
  return null;
}

/**
 * After a successful run: tasks that ran (not Cached) whose exact target is still missing mean
 * Prefect did not checkpoint, i.e. PREFECT__FLOWS__CHECKPOINTING was off when prefect was imported.
 */
export function checkpointingHint(ranWithTargetNotWritten: readonly string[]): string | null {
  if (ranWithTargetNotWritten.length === 0) return null;
  const names = ranWithTargetNotWritten.slice(0, 3).join(', ');
  const more = ranWithTargetNotWritten.length > 3 ? ` and ${ranWithTargetNotWritten.length - 3} more` : '';
  return `${names}${more} ran but wrote no target: checkpointing was off. Import xpersist before prefect, or set PREFECT__FLOWS__CHECKPOINTING=true before prefect is imported.`;
}
