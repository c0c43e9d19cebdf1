export declare const ENTRIES: Record<"main" | "jobs", string>;
export declare const DIST: string;
export declare function bundle(source: string, out: string): string;
export declare function built(name: "main" | "jobs", opts?: { force?: boolean }): string;
