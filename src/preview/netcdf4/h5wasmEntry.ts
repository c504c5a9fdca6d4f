// Entry of dist/h5wasm.js: the HDF5 reader is bundled on its own and required on the first
// netCDF4 open (see esbuild.mjs, plugin lazy-h5wasm).
export * from 'h5wasm/node';
export { default } from 'h5wasm/node';
