// CSS imported by webview entries is bundled by esbuild into <entry>.css.
declare module '*.css';
