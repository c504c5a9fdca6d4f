// Types of package.mjs's checks for the TypeScript tests (test/unit/scripts/package.test.ts).
/** Entry names every .vsix must hold (extension/...). */
export const REQUIRED: string[];
/** Entry names no .vsix may hold. */
export const FORBIDDEN: RegExp;
/** The .vsix entry names of the media a manifest's walkthrough steps show. */
export function walkthroughMedia(manifest: unknown): string[];
/** What a package with these entry names lacks and wrongly ships, for this manifest. */
export function checkEntries(
  entryNames: string[],
  manifest: unknown,
): { missing: string[]; forbidden: string[] };
