// The import rules of src/ (npm run lint runs them): no circle anywhere, and each folder imports
// only the floors below it. Bottom to top, with what each owns (the folder's README.md says more):
//   messages    how errors and values are worded (quote.ts, errors.ts)
//   io          reading inputs within bounds and writing files safely
//   image       facts about the image and its files: bases, CI pins, Go releases
//   options     the option table and everything derived from it (flags, help, schema, presets)
//   module      facts read from an existing Go module
//   update      go-minimal update (renders, merges, checks)
//   generators  the yeoman generators and their template data
//   cli.ts, index.ts  the front doors
const FLOORS = ['messages', 'io', 'image', 'options', 'module', 'update', 'generators'];
const above = (floor) => FLOORS.slice(FLOORS.indexOf(floor) + 1);

export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle means two files are one concern, or a shared piece lives on the wrong floor.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...FLOORS.map((floor) => ({
      name: `floor-${floor}`,
      severity: 'error',
      comment: `src/${floor}/ imports only the floors below it: ${FLOORS.slice(0, FLOORS.indexOf(floor)).join(', ') || 'none'}.`,
      from: { path: `^src/${floor}/` },
      to: { path: `^src/(?:(?:${above(floor).join('|') || '$^'})/|(?:cli|index)\\.ts$)` },
    })),
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports is dead code (the entry points and declaration files aside).',
      from: { orphan: true, path: '^src/', pathNot: ['^src/(?:cli|index)\\.ts$', '\\.d\\.ts$'] },
      to: {},
    },
  ],
  options: {
    includeOnly: '^src/',
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a circle of types is still one concern split in two.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
