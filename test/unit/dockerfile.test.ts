/**
 * No Docker engine is available to build the image, so this checks what can be checked from
 * the text: the Dockerfile's stages, user, health check and entry point, that everything it
 * copies from the build context exists and survives .dockerignore, and that docker-compose.yml
 * parses and starts the image with a real role.
 *
 * Every check is a function returning a list of problems. Each runs against the real files
 * (expecting none) and against a broken variant of them (expecting some), so none can pass
 * vacuously.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ROLES } from '../../src/config/variables';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (name: string): string => readFileSync(path.join(ROOT, name), 'utf8');

const DOCKERFILE = read('Dockerfile');
const DOCKERIGNORE = read('.dockerignore');
const COMPOSE = read('docker-compose.yml');
const PACKAGE_MAIN = (JSON.parse(read('package.json')) as { main?: string }).main;

/** What the build stage needs from the build context. */
const REQUIRED_CONTEXT_PATHS = [
  'package.json',
  'package-lock.json',
  'prisma',
  'src',
  'tsconfig.json',
  'tsconfig.build.json',
];
/** Files the running app reads (see src/db/migrations-directory.ts); they must reach the image. */
const REQUIRED_CONTEXT_FILES = ['prisma/schema.prisma'];

// ---------------------------------------------------------------------------------------------
// Dockerfile parsing
// ---------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions with `\` continuations joined; comments, parser directives and blank lines skipped. */
function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let buffer = '';
  let start = 0;
  const flush = (): void => {
    const match = /^(\S+)\s*([\s\S]*)$/.exec(buffer.trim());
    if (match?.[1])
      instructions.push({ keyword: match[1].toUpperCase(), args: (match[2] ?? '').trim(), line: start });
    buffer = '';
  };
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && buffer === '')) return;
    if (buffer === '') start = index + 1;
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1)} `;
      return;
    }
    buffer += line;
    flush();
  });
  if (buffer.trim() !== '') flush();
  return instructions;
}

function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith('--'));
      const stage: Stage = { image: words[0] ?? '', instructions: [] };
      if (words[1]?.toLowerCase() === 'as' && words[2]) stage.name = words[2];
      stages.push(stage);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** Exec form (JSON array) or shell form split on white space. */
function words(args: string): string[] {
  if (args.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(args);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string'))
        return parsed as string[];
    } catch {
      // Docker runs a malformed JSON array through the shell; so do we.
    }
  }
  return args.split(/\s+/).filter(Boolean);
}

function isExecForm(args: string): boolean {
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.length > 0 && parsed.every((item) => typeof item === 'string');
  } catch {
    return false;
  }
}

interface Copy {
  line: number;
  from?: string;
  sources: string[];
}

function copies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === 'COPY' || instruction.keyword === 'ADD')
    .map((instruction) => {
      let args = instruction.args;
      const flags: string[] = [];
      let flag: RegExpExecArray | null;
      while ((flag = /^(--\S+)\s+/.exec(args))) {
        flags.push(flag[1] ?? '');
        args = args.slice(flag[0].length);
      }
      const from = flags.find((item) => item.startsWith('--from='))?.slice('--from='.length);
      const all = words(args);
      return { line: instruction.line, from, sources: all.slice(0, -1) };
    });
}

const last = (stage: Stage | undefined, keyword: string): Instruction | undefined =>
  stage?.instructions.filter((instruction) => instruction.keyword === keyword).at(-1);

// ---------------------------------------------------------------------------------------------
// .dockerignore matching (Docker's rules: last matching pattern wins, `!` re-includes, a pattern
// that matches a directory excludes everything under it, `**` spans directories)
// ---------------------------------------------------------------------------------------------

interface IgnoreRule {
  negated: boolean;
  pattern: RegExp;
}

function patternToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? '';
    if (char === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        source += '(?:.*/)?';
      } else {
        source += '.*';
      }
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const cleaned = path.posix.normalize((negated ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, '');
      return { negated, pattern: patternToRegExp(cleaned) };
    });
}

function isExcluded(rules: IgnoreRule[], relativePath: string): boolean {
  const parts = path.posix
    .normalize(relativePath)
    .replace(/^\.\/|\/$/g, '')
    .split('/');
  const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  let excluded = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.pattern.test(candidate))) excluded = !rule.negated;
  }
  return excluded;
}

function filesUnder(relativeDir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, relativeDir), { withFileTypes: true })) {
    const child = `${relativeDir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(child));
    else out.push(child);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Checks: each returns the problems it finds
// ---------------------------------------------------------------------------------------------

interface Inputs {
  dockerfile: string;
  dockerignore: string;
}

const finalStage = (inputs: Inputs): Stage | undefined => parseStages(inputs.dockerfile).at(-1);

const dockerfileChecks: Record<string, (inputs: Inputs) => string[]> = {
  'has at least two FROM stages'(inputs) {
    const count = parseStages(inputs.dockerfile).length;
    return count >= 2 ? [] : [`expected a multi-stage build, found ${count} FROM`];
  },

  'builds every stage on node:20'(inputs) {
    const stages = parseStages(inputs.dockerfile);
    if (stages.length === 0) return ['no FROM at all'];
    return stages
      .filter((stage) => !/^(docker\.io\/(library\/)?)?node:20($|[-.@])/.test(stage.image))
      .map((stage) => `stage ${stage.name ?? '(unnamed)'} is FROM ${stage.image}, expected node:20`);
  },

  'runs the final stage as a non-root USER'(inputs) {
    const user = last(finalStage(inputs), 'USER');
    if (!user) return ['the final stage never sets USER, so it runs as root'];
    const name = user.args.split(':')[0]?.trim() ?? '';
    return ['', 'root', '0'].includes(name) ? [`line ${user.line}: USER ${user.args} is root`] : [];
  },

  'has a HEALTHCHECK on /healthz that needs no curl'(inputs) {
    const check = last(finalStage(inputs), 'HEALTHCHECK');
    if (!check) return ['the final stage has no HEALTHCHECK'];
    const command = /(?:^|\s)CMD\s+([\s\S]*)$/.exec(check.args)?.[1];
    if (!command) return [`line ${check.line}: HEALTHCHECK ${check.args} runs no command`];
    const problems: string[] = [];
    if (!command.includes('/healthz'))
      problems.push(`line ${check.line}: the health check does not call /healthz`);
    // The slim image has neither curl nor wget; node is the only HTTP client in it.
    if (words(command)[0] !== 'node')
      problems.push(`line ${check.line}: the health check should run node, not ${words(command)[0]}`);
    return problems;
  },

  'installs production dependencies only (npm ci --omit=dev) in the final stage'(inputs) {
    const runs =
      finalStage(inputs)?.instructions.filter((instruction) => instruction.keyword === 'RUN') ?? [];
    return runs.some((run) => /\bnpm ci\b[^&|;]*--omit=dev\b/.test(run.args))
      ? []
      : ['the final stage has no `npm ci --omit=dev`'];
  },

  'starts node dist/main.js in exec form, with a role as CMD'(inputs) {
    const stage = finalStage(inputs);
    const entrypoint = last(stage, 'ENTRYPOINT');
    if (!entrypoint) return ['the final stage has no ENTRYPOINT'];
    const problems: string[] = [];
    if (!isExecForm(entrypoint.args)) {
      problems.push(`line ${entrypoint.line}: ENTRYPOINT is in shell form; node would not receive SIGTERM`);
    }
    const argv = words(entrypoint.args);
    if (argv[0] !== 'node' || argv[1] !== 'dist/main.js') {
      problems.push(`line ${entrypoint.line}: ENTRYPOINT ${entrypoint.args} does not run node dist/main.js`);
    }
    if (PACKAGE_MAIN !== 'dist/main.js')
      problems.push(`package.json main is ${PACKAGE_MAIN}, not dist/main.js`);
    const cmd = last(stage, 'CMD');
    const role = cmd ? words(cmd.args)[0] : undefined;
    if (cmd && !(ROLES as readonly string[]).includes(role ?? '')) {
      problems.push(`line ${cmd.line}: CMD ${cmd.args} is not one of ${ROLES.join(', ')}`);
    }
    return problems;
  },

  'copies from the build context only paths that exist and are not in .dockerignore'(inputs) {
    const rules = parseDockerignore(inputs.dockerignore);
    const problems: string[] = [];
    const copied = new Set<string>();
    for (const stage of parseStages(inputs.dockerfile)) {
      for (const copy of copies(stage).filter((item) => item.from === undefined)) {
        for (const source of copy.sources) {
          const relative = path.posix.normalize(source).replace(/^\.\/|\/$/g, '') || '.';
          copied.add(relative);
          if (!existsSync(path.join(ROOT, relative))) {
            problems.push(`line ${copy.line}: COPY ${source} does not exist in the repository`);
          } else if (relative !== '.' && isExcluded(rules, relative)) {
            problems.push(`line ${copy.line}: COPY ${source} is excluded by .dockerignore`);
          } else if (statSync(path.join(ROOT, relative)).isDirectory()) {
            const files = filesUnder(relative);
            if (files.length > 0 && files.every((file) => isExcluded(rules, file))) {
              problems.push(`line ${copy.line}: everything under ${source} is excluded by .dockerignore`);
            }
          }
        }
      }
    }
    for (const required of REQUIRED_CONTEXT_PATHS) {
      if (!copied.has(required) && !copied.has('.'))
        problems.push(`nothing copies ${required} into the build`);
    }
    for (const file of REQUIRED_CONTEXT_FILES) {
      if (!existsSync(path.join(ROOT, file))) problems.push(`${file} does not exist`);
      else if (isExcluded(rules, file)) problems.push(`${file} is excluded by .dockerignore`);
    }
    return problems;
  },

  'copies --from only earlier named stages'(inputs) {
    const stages = parseStages(inputs.dockerfile);
    const problems: string[] = [];
    stages.forEach((stage, index) => {
      const earlier = stages.slice(0, index).map((item) => item.name);
      for (const copy of copies(stage).filter((item) => item.from !== undefined)) {
        if (!earlier.includes(copy.from))
          problems.push(`line ${copy.line}: COPY --from=${copy.from} names no earlier stage`);
      }
    });
    return problems;
  },

  'keeps local build output and secrets out of the build context'(inputs) {
    const rules = parseDockerignore(inputs.dockerignore);
    return ['node_modules', 'dist', 'src/generated/prisma/client.ts', '.env', '.git', 'npm-debug.log']
      .filter((item) => !isExcluded(rules, item))
      .map((item) => `.dockerignore lets ${item} into the build context`);
  },
};

interface ComposeService {
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  [key: string]: unknown;
}

function composeProblems(text: string): string[] {
  // Compose resolves YAML merge keys (`<<: *anchor`); so must we.
  const document = parseDocument(text, { merge: true });
  if (document.errors.length > 0)
    return document.errors.map((error) => `docker-compose.yml: ${error.message}`);
  const parsed = document.toJS() as { services?: Record<string, ComposeService> } | null;
  const services = Object.entries(parsed?.services ?? {});
  const building = services.filter(([, service]) => service.build !== undefined);
  if (building.length === 0) return ['no service builds the image'];
  const problems: string[] = [];
  for (const [name, service] of building) {
    const build = service.build;
    const context = typeof build === 'string' ? build : build?.context;
    const dockerfile = typeof build === 'string' ? undefined : build?.dockerfile;
    if (
      path.posix.normalize(context ?? '') !== '.' ||
      (dockerfile !== undefined && dockerfile !== 'Dockerfile')
    ) {
      problems.push(`${name}: builds ${JSON.stringify(build)}, not this directory's Dockerfile`);
    }
    const command = typeof service.command === 'string' ? words(service.command) : service.command;
    const role = command?.[0];
    if (command?.length !== 1 || !(ROLES as readonly string[]).includes(role ?? '')) {
      problems.push(`${name}: command ${JSON.stringify(service.command)} is not one of ${ROLES.join(', ')}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/** Replaces `from` with `to`, failing loudly when `from` is absent so no mutation is a no-op. */
function mutate(text: string, from: string | RegExp, to: string): string {
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`mutation found nothing to replace: ${String(from)}`);
  return changed;
}

const real: Inputs = { dockerfile: DOCKERFILE, dockerignore: DOCKERIGNORE };

describe('Dockerfile', () => {
  it.each(Object.keys(dockerfileChecks))('%s', (name) => {
    expect(dockerfileChecks[name]?.(real)).toEqual([]);
  });

  // Each check against a broken variant of the real files: every one must be able to fail.
  const broken: Array<[check: string, how: string, inputs: () => Inputs]> = [
    [
      'has at least two FROM stages',
      'one stage',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, /^FROM .* AS runtime$/m, '') }),
    ],
    [
      'builds every stage on node:20',
      'node:18',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, 'node:20', 'node:18') }),
    ],
    [
      'builds every stage on node:20',
      'alpine',
      () => ({
        ...real,
        dockerfile: mutate(DOCKERFILE, /^FROM \S+ AS runtime$/m, 'FROM alpine:3 AS runtime'),
      }),
    ],
    [
      'runs the final stage as a non-root USER',
      'USER root',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, /^USER .*$/m, 'USER root:root') }),
    ],
    [
      'runs the final stage as a non-root USER',
      'no USER',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, /^USER .*$/m, '') }),
    ],
    [
      'runs the final stage as a non-root USER',
      'USER in the build stage only',
      () => ({
        ...real,
        dockerfile: mutate(mutate(DOCKERFILE, /^USER .*$/m, ''), 'WORKDIR /app', 'WORKDIR /app\nUSER node'),
      }),
    ],
    [
      'has a HEALTHCHECK on /healthz that needs no curl',
      'other path',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, '/healthz', '/metrics') }),
    ],
    [
      'has a HEALTHCHECK on /healthz that needs no curl',
      'curl',
      () => ({
        ...real,
        dockerfile: mutate(DOCKERFILE, /CMD \[.*\]$/m, 'CMD curl -f http://127.0.0.1:3000/healthz'),
      }),
    ],
    [
      'has a HEALTHCHECK on /healthz that needs no curl',
      'no HEALTHCHECK',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, /^HEALTHCHECK[^\n]*\\\n[^\n]*$/m, '') }),
    ],
    [
      'installs production dependencies only (npm ci --omit=dev) in the final stage',
      'all dependencies',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, '--omit=dev', '') }),
    ],
    [
      'starts node dist/main.js in exec form, with a role as CMD',
      'other script',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, '"dist/main.js"]', '"dist/index.js"]') }),
    ],
    [
      'starts node dist/main.js in exec form, with a role as CMD',
      'shell form',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, /^ENTRYPOINT .*$/m, 'ENTRYPOINT node dist/main.js') }),
    ],
    [
      'starts node dist/main.js in exec form, with a role as CMD',
      'unknown role',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, /^CMD .*$/m, 'CMD ["serve"]') }),
    ],
    [
      'copies from the build context only paths that exist and are not in .dockerignore',
      'missing path',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, /^COPY src\/? .*$/m, 'COPY lib/ ./lib/') }),
    ],
    [
      'copies from the build context only paths that exist and are not in .dockerignore',
      'ignored path',
      () => ({ ...real, dockerignore: `${DOCKERIGNORE}\nprisma\n` }),
    ],
    [
      'copies from the build context only paths that exist and are not in .dockerignore',
      'ignored schema',
      () => ({ ...real, dockerignore: `${DOCKERIGNORE}\n**/*.prisma\n` }),
    ],
    [
      'copies from the build context only paths that exist and are not in .dockerignore',
      'tsconfig not copied',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, 'tsconfig.build.json', '') }),
    ],
    [
      'copies --from only earlier named stages',
      'unknown stage',
      () => ({ ...real, dockerfile: mutate(DOCKERFILE, '--from=build', '--from=builder') }),
    ],
    [
      'keeps local build output and secrets out of the build context',
      'node_modules copied',
      () => ({ ...real, dockerignore: `${DOCKERIGNORE}\n!node_modules\n` }),
    ],
  ];

  it.each(broken)('%s: fails on a Dockerfile with %s', (check, _how, inputs) => {
    expect(dockerfileChecks[check]).toBeDefined();
    expect(dockerfileChecks[check]?.(inputs())).not.toEqual([]);
  });
});

describe('.dockerignore matching', () => {
  it.each([
    ['node_modules', 'node_modules/pg/index.js', true],
    ['src/generated', 'src/generated/prisma/client.ts', true],
    ['src/generated', 'src/main.ts', false],
    ['*.log', 'npm-debug.log', true],
    ['*.log', 'logs/app.log', false],
    ['**/*.log', 'logs/app.log', true],
    ['dist\n!dist/keep.js', 'dist/keep.js', false],
    ['dist\n!dist/keep.js', 'dist/other.js', true],
  ])('%j excludes %s: %s', (patterns, file, excluded) => {
    expect(isExcluded(parseDockerignore(patterns), file)).toBe(excluded);
  });
});

describe('docker-compose.yml', () => {
  it('parses, and every service that builds the image runs it with a known role', () => {
    expect(composeProblems(COMPOSE)).toEqual([]);
  });

  it('has the services the image is meant to run as', () => {
    const services = (
      parseDocument(COMPOSE, { merge: true }).toJS() as { services: Record<string, ComposeService> }
    ).services;
    const roles = Object.values(services)
      .filter((service) => service.build !== undefined)
      .map((service) => (Array.isArray(service.command) ? service.command[0] : service.command));
    expect(roles.sort()).toEqual(['migrate', 'web', 'worker']);
  });

  it.each([
    ['an unknown role', () => mutate(COMPOSE, /command: \[['"]worker['"]\]/, "command: ['serve']")],
    ['no command', () => mutate(COMPOSE, /command: \[['"]web['"]\]/, '')],
    ['no service building', () => mutate(COMPOSE, /^\s*build: .*$/gm, '')],
    ['another build context', () => mutate(COMPOSE, /^(\s*)build: \.$/m, '$1build: ./other')],
    ['invalid YAML', () => `${COMPOSE}\n  bad: [unclosed\n`],
  ])('fails with %s', (_how, text) => {
    expect(composeProblems(text())).not.toEqual([]);
  });
});
