// Types for the small decompressors used on compressed joblib files (the packages ship none).

declare module 'seek-bzip' {
  interface OutputStream {
    writeByte(b: number): void;
  }
  const Bunzip: {
    decode(input: Uint8Array | Buffer, output?: Buffer | OutputStream, multistream?: boolean): Buffer;
  };
  export default Bunzip;
}
