// Types of bin/cliBundle.js (plain JavaScript: it runs before tsx is loaded) for the TypeScript that uses it.
export function loadBundledCli(command: string): Promise<((argv: string[], version: string) => Promise<void>) | null>;
export function bundledThreadEntry(name: 'planThread'): Promise<URL | null>;
/** Part of every bundle's cache key: changes whenever the build options change. */
export const BUILD_CONFIG: string;
