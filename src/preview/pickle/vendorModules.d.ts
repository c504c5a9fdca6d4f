// Types for the small decompressors used on compressed joblib files (the packages ship none).

declare module 'lz4js' {
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
  export function decompressBound(src: Uint8Array): number;
}

declare module 'seek-bzip' {
  interface OutputStream {
    writeByte(b: number): void;
  }
  const Bunzip: {
    decode(input: Uint8Array | Buffer, output?: Buffer | OutputStream, multistream?: boolean): Buffer;
  };
  export default Bunzip;
}

declare module 'lzma/src/lzma-d-min.js' {
  export const LZMA: { decompress(data: Uint8Array | number[]): string | number[] };
}
