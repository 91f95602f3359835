// Copies what src/ reads at run time next to its own module (Fluent texts, consent texts, JSON catalogues
// and policies, the sandbox page's static files) into dist/, at the same relative paths, so that
// `new URL('./…', import.meta.url)` finds them from the compiled build as it does from src/ under tsx.
import { cpSync } from 'node:fs';

cpSync(new URL('../src/', import.meta.url), new URL('../dist/', import.meta.url), {
  recursive: true,
  filter: (source) => !source.endsWith('.ts'),
});
