// A valid HDF5 feature the built-in reader does not implement (newer chunk indexes, filter
// plugins, huge heap objects...). Reading a variable hands over to h5wasm only on this error:
// other read errors mean damaged data and are reported as they are.

export class H5Unsupported extends Error {
  override name = 'H5Unsupported';
}
