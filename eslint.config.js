import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const services = ['gateway', 'auth', 'patient', 'doctor', 'appointment', 'billing', 'notification', 'analytics'];
const transports = [
  { group: ['fastify', 'fastify/*', '@fastify/*'], message: 'domain/ imports no fastify: handlers in routes/ call the domain.' },
  { group: ['kafkajs'], message: 'domain/ imports no kafkajs: events go through the outbox (db/).' },
  { group: ['@grpc/*'], message: 'domain/ imports no grpc-js: gRPC clients are passed in as functions.' },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/src/generated/**', '**/.cache/**', '**/.data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Rooms stay honest: no import cycles anywhere (import-x ignores `import type`, which
  // vanishes at run time).
  {
    plugins: { 'import-x': importX },
    settings: {
      // Without these, import-x reads only .js files when it follows imports, and sees no cycle.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          project: ['packages/*/tsconfig.json', 'bench/tsconfig.json'],
          noWarnOnMultipleProjects: true,
          conditionNames: ['@pms/source', 'types', 'import', 'node', 'default'],
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  // Services never import each other (they talk over HTTP, gRPC stubs and events from
  // contracts), and domain/ holds the use cases, which no transport or broker library reaches.
  ...services.flatMap((service) => [
    { files: [`packages/${service}/src/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns: otherServices(service) }] } },
    {
      files: [`packages/${service}/src/domain/**/*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: [...otherServices(service), ...transports] }] },
    },
  ]),
);

function otherServices(service) {
  return services
    .filter((other) => other !== service)
    .map((other) => ({
      group: [`@pms/${other}`, `@pms/${other}/*`, `**/${other}/src`, `**/${other}/src/*`],
      message: `Services never import each other: use ${other}'s contract in @pms/contracts.`,
    }));
}
