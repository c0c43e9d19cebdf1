/** Types of scripts/patch-postgres.mjs (imported by the driver test). */
export function driverVersion(): string | null;
export function driverPatched(): boolean;
export function patchDriver(): number;
