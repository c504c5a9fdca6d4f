// scripts/package.mjs's contents check: the files the installed extension reads must be in the
// .vsix, the walkthrough's media among them (taken from the manifest, so a step added later is
// checked too), and a package without one of them fails the check naming it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkEntries, REQUIRED, walkthroughMedia } from '../../../scripts/package.mjs';
import { repoRoot } from '../helpers';

const manifest = JSON.parse(readFileSync(path.join(repoRoot(), 'package.json'), 'utf8'));
const inRepo = (entry: string) => path.join(repoRoot(), entry.slice('extension/'.length));

describe('package contents check', () => {
  it("requires every walkthrough step's media, as the manifest names them, and they exist", () => {
    const media = walkthroughMedia(manifest);
    const steps = manifest.contributes.walkthroughs.flatMap((w: { steps: unknown[] }) => w.steps);
    assert.ok(steps.length >= 3, 'the manifest has the getting-started walkthrough');
    assert.deepEqual(media, [
      'extension/media/walkthrough/store.md',
      'extension/media/walkthrough/preview.md',
      'extension/media/walkthrough/run.md',
    ]);
    for (const f of media) assert.ok(existsSync(inRepo(f)), `${f} is in the repository`);
  });

  it('reads markdown, svg and image media, light/dark/hc variants included', () => {
    const m = {
      contributes: {
        walkthroughs: [
          {
            steps: [
              {
                media: {
                  image: { light: 'media/a-light.png', dark: 'media/a-dark.png', hc: 'media/a-hc.png' },
                  altText: 'a',
                },
              },
              { media: { svg: './media/b.svg', altText: 'b' } },
              { media: { image: 'media/c.png', altText: 'c' } },
              { media: { markdown: 'media/a-light.png' } },
            ],
          },
        ],
      },
    };
    assert.deepEqual(walkthroughMedia(m), [
      'extension/media/a-light.png',
      'extension/media/a-dark.png',
      'extension/media/a-hc.png',
      'extension/media/b.svg',
      'extension/media/c.png',
    ]);
    assert.deepEqual(walkthroughMedia({}), []);
  });

  it('a package without a walkthrough file fails the check naming it; a complete one passes', () => {
    const complete = [...REQUIRED, ...walkthroughMedia(manifest), 'extension/media/other.png'];
    assert.deepEqual(checkEntries(complete, manifest), { missing: [], forbidden: [] });
    const lacking = complete.filter((n) => n !== 'extension/media/walkthrough/run.md');
    assert.deepEqual(checkEntries(lacking, manifest).missing, ['extension/media/walkthrough/run.md']);
    const withSource = [
      ...complete,
      'extension/src/extension/extension.ts',
      'extension/dist/extension.js.map',
    ];
    assert.deepEqual(checkEntries(withSource, manifest).forbidden, [
      'extension/src/extension/extension.ts',
      'extension/dist/extension.js.map',
    ]);
  });
});
