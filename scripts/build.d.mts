/** Types of scripts/build.mjs for the TypeScript that imports it (bench/load.bench.ts). */
export declare function bundle(source: string, out: string): string;
