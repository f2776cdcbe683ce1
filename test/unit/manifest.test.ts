/**
 * manifest.yml must be a valid Slack app manifest and must agree with src/slack/ids.ts:
 * the same slash commands, exactly the bot scopes the code needs, and the same bot events.
 * The schema below follows Slack's manifest schema (github.com/slackapi/manifest-schema, v1)
 * for the fields Sitrep uses, plus Sitrep's own requirements (all four sections present).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { z } from 'zod';
import { BOT_EVENTS, BOT_SCOPES, MESSAGE_SHORTCUTS, SLASH_COMMANDS } from '../../src/slack/ids';

const ROOT = resolve(__dirname, '../..');
const MANIFEST_PATH = join(ROOT, 'manifest.yml');

const url = z
  .string()
  .max(3000)
  .regex(/^https?:\/\//, 'must be an http(s) URL');
const uniqueStrings = (item: z.ZodString, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((list) => new Set(list).size === list.length, { message: 'must not contain duplicates' });
const scope = z
  .string()
  .max(50)
  .regex(
    /^(commands|[a-z_]+:[a-z_]+(\.[a-z_]+)*)$/,
    'must look like resource:action (e.g. chat:write) or be "commands"',
  );

const slashCommand = z.strictObject({
  command: z
    .string()
    .min(2)
    .max(32)
    .regex(/^\//, 'must start with /')
    .regex(/^\/[a-z0-9_-]+$/, 'must be lowercase letters, digits, - or _ after the slash, with no spaces'),
  description: z.string().min(1).max(2000),
  usage_hint: z.string().min(1).max(1000).optional(),
  should_escape: z.boolean().optional(),
  url: url.optional(),
});

const shortcut = z.strictObject({
  name: z.string().min(1).max(24),
  type: z.enum(['message', 'global']),
  callback_id: z.string().min(1).max(255),
  description: z.string().min(1).max(150),
});

const manifestSchema = z
  .strictObject({
    _metadata: z
      .strictObject({ major_version: z.int().optional(), minor_version: z.int().optional() })
      .optional(),
    display_information: z.strictObject({
      name: z.string().min(1).max(35),
      description: z.string().min(1).max(140),
      long_description: z.string().min(175).max(4000),
      background_color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be #rrggbb'),
    }),
    features: z.strictObject({
      app_home: z
        .strictObject({
          home_tab_enabled: z.boolean().optional(),
          messages_tab_enabled: z.boolean().optional(),
          messages_tab_read_only_enabled: z.boolean().optional(),
        })
        .optional(),
      bot_user: z.strictObject({
        display_name: z.string().min(1).max(80),
        always_online: z.boolean().optional(),
      }),
      slash_commands: z
        .array(slashCommand)
        .min(1)
        .max(50)
        .refine(
          (cmds) => new Set(cmds.map((c) => c.command)).size === cmds.length,
          'command names must be unique',
        )
        .optional(),
      shortcuts: z.array(shortcut).min(1).max(10).optional(),
      unfurl_domains: uniqueStrings(z.string().max(255), 5).optional(),
    }),
    oauth_config: z.strictObject({
      redirect_urls: z.array(z.string().max(2500)).optional(),
      scopes: z.strictObject({
        bot: uniqueStrings(scope, 255),
        user: uniqueStrings(scope, 255).optional(),
      }),
      token_management_enabled: z.boolean().optional(),
    }),
    settings: z.strictObject({
      allowed_ip_address_ranges: z.array(z.string()).min(1).max(50).optional(),
      event_subscriptions: z
        .strictObject({
          request_url: url.optional(),
          bot_events: uniqueStrings(z.string().max(50), 100).optional(),
          user_events: uniqueStrings(z.string().max(50), 100).optional(),
        })
        .optional(),
      incoming_webhooks: z.strictObject({ incoming_webhooks_enabled: z.boolean() }).optional(),
      interactivity: z
        .strictObject({
          is_enabled: z.boolean(),
          request_url: url.optional(),
          message_menu_options_url: url.optional(),
        })
        .optional(),
      org_deploy_enabled: z.boolean().optional(),
      socket_mode_enabled: z.boolean().optional(),
      token_rotation_enabled: z.boolean().optional(),
    }),
  })
  .superRefine((m, ctx) => {
    // Over HTTP, Slack needs a public HTTPS URL for every request it sends; Socket Mode needs none.
    if (m.settings.socket_mode_enabled === true) return;
    const requireHttps = (value: string | undefined, path: (string | number)[]) => {
      if (!value?.startsWith('https://')) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: 'must be an https:// URL unless socket_mode_enabled is true',
        });
      }
    };
    m.features.slash_commands?.forEach((c, i) =>
      requireHttps(c.url, ['features', 'slash_commands', i, 'url']),
    );
    if (m.settings.interactivity?.is_enabled) {
      requireHttps(m.settings.interactivity.request_url, ['settings', 'interactivity', 'request_url']);
    }
    const events = m.settings.event_subscriptions;
    if (events && ((events.bot_events?.length ?? 0) > 0 || (events.user_events?.length ?? 0) > 0)) {
      requireHttps(events.request_url, ['settings', 'event_subscriptions', 'request_url']);
    }
  });

type Manifest = z.infer<typeof manifestSchema>;

function loadManifest(): unknown {
  return parse(readFileSync(MANIFEST_PATH, 'utf8'));
}

function validManifest(): Manifest {
  const result = manifestSchema.safeParse(loadManifest());
  if (!result.success)
    throw new Error(`manifest.yml is not a valid Slack manifest:\n${z.prettifyError(result.error)}`);
  return result.data;
}

function issuePaths(candidate: unknown): string[] {
  const result = manifestSchema.safeParse(candidate);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('manifest.yml', () => {
  it('is a valid Slack app manifest', () => {
    const manifest = validManifest();
    expect(manifest.display_information.name).toBe('Sitrep');
    expect(manifest.features.bot_user).toEqual({ display_name: 'sitrep', always_online: true });
    expect(manifest.settings).toMatchObject({
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
      interactivity: { is_enabled: true, request_url: 'https://sitrep.example.com/slack/events' },
    });
  });

  it('declares exactly the message shortcuts in MESSAGE_SHORTCUTS', () => {
    const declared = (validManifest().features.shortcuts ?? []).map((s) => ({ ...s }));
    const expected = Object.values(MESSAGE_SHORTCUTS).map((s) => ({
      name: s.name,
      type: 'message',
      callback_id: s.callbackId,
      description: s.description,
    }));
    expect(declared).toEqual(expected);
  });

  it('declares exactly the slash commands in SLASH_COMMANDS', () => {
    const declared = (validManifest().features.slash_commands ?? []).map((c) => ({
      command: c.command,
      description: c.description,
      usage_hint: c.usage_hint,
      should_escape: c.should_escape,
    }));
    const expected = Object.values(SLASH_COMMANDS).map((c) => ({
      command: c.command,
      description: c.description,
      usage_hint: c.usageHint,
      should_escape: c.shouldEscape,
    }));
    const byCommand = (a: { command: string }, b: { command: string }) => a.command.localeCompare(b.command);
    expect(declared.sort(byCommand)).toEqual(expected.sort(byCommand));
  });

  it('sends every request to the one Bolt endpoint', () => {
    const manifest = validManifest();
    const urls = [
      ...(manifest.features.slash_commands ?? []).map((c) => c.url),
      manifest.settings.interactivity?.request_url,
      manifest.settings.event_subscriptions?.request_url,
    ].filter((u): u is string => u !== undefined);
    expect(new Set(urls)).toEqual(new Set(['https://sitrep.example.com/slack/events']));
  });

  it('requests exactly the bot scopes in BOT_SCOPES', () => {
    const requested = validManifest().oauth_config.scopes.bot;
    const needed = Object.keys(BOT_SCOPES);
    const extra = requested.filter((s) => !needed.includes(s));
    const missing = needed.filter((s) => !requested.includes(s));
    // A failure names the scopes: { extra: [in manifest.yml only], missing: [in BOT_SCOPES only] }.
    expect({ extra, missing }).toEqual({ extra: [], missing: [] });
    expect(requested).toHaveLength(needed.length);
  });

  it('subscribes to exactly BOT_EVENTS', () => {
    const subscriptions = validManifest().settings.event_subscriptions;
    if (BOT_EVENTS.length === 0) {
      // Slack would ask for a request URL it never uses; the section must be absent.
      expect(subscriptions).toBeUndefined();
    } else {
      expect([...(subscriptions?.bot_events ?? [])].sort()).toEqual([...BOT_EVENTS].sort());
    }
  });
});

describe('manifest schema', () => {
  const mutate = (change: (m: Manifest) => void): Manifest => {
    const copy = structuredClone(validManifest());
    change(copy);
    return copy;
  };
  const firstCommand = (m: Manifest) => {
    const command = m.features.slash_commands?.[0];
    if (!command) throw new Error('manifest.yml declares no slash command');
    return command;
  };

  it('rejects a command without a leading slash and a 40-character name', () => {
    const broken = mutate((m) => {
      firstCommand(m).command = 'incident';
      m.display_information.name = 'S'.repeat(40);
    });
    expect(issuePaths(broken)).toEqual(
      expect.arrayContaining(['features.slash_commands.0.command', 'display_information.name']),
    );
  });

  it.each<[string, (m: Manifest) => void, string]>([
    [
      'an uppercase command',
      (m) => (firstCommand(m).command = '/Incident'),
      'features.slash_commands.0.command',
    ],
    [
      'a command with a space',
      (m) => (firstCommand(m).command = '/incident now'),
      'features.slash_commands.0.command',
    ],
    [
      'a 33-character command',
      (m) => (firstCommand(m).command = `/${'a'.repeat(32)}`),
      'features.slash_commands.0.command',
    ],
    [
      'a 2001-character command description',
      (m) => (firstCommand(m).description = 'd'.repeat(2001)),
      'features.slash_commands.0.description',
    ],
    [
      'a 1001-character usage hint',
      (m) => (firstCommand(m).usage_hint = 'u'.repeat(1001)),
      'features.slash_commands.0.usage_hint',
    ],
    [
      'an http command URL',
      (m) => (firstCommand(m).url = 'http://sitrep.example.com/slack/events'),
      'features.slash_commands.0.url',
    ],
    ['a missing command URL', (m) => delete firstCommand(m).url, 'features.slash_commands.0.url'],
    [
      'an http interactivity URL',
      (m) => (m.settings.interactivity = { is_enabled: true, request_url: 'http://x.example/slack' }),
      'settings.interactivity.request_url',
    ],
    [
      'a 141-character description',
      (m) => (m.display_information.description = 'd'.repeat(141)),
      'display_information.description',
    ],
    [
      'a short long_description',
      (m) => (m.display_information.long_description = 'Too short.'),
      'display_information.long_description',
    ],
    [
      'a named background colour',
      (m) => (m.display_information.background_color = 'red'),
      'display_information.background_color',
    ],
    [
      'an 81-character bot name',
      (m) => (m.features.bot_user.display_name = 'b'.repeat(81)),
      'features.bot_user.display_name',
    ],
    ['a duplicate scope', (m) => m.oauth_config.scopes.bot.push('commands'), 'oauth_config.scopes.bot'],
    [
      'a malformed scope',
      (m) => m.oauth_config.scopes.bot.push('chat write'),
      `oauth_config.scopes.bot.${Object.keys(BOT_SCOPES).length}`,
    ],
    ['an unknown settings key', (m) => Object.assign(m.settings, { socket_mode: true }), 'settings'],
  ])('rejects %s', (_label, change, path) => {
    expect(issuePaths(mutate(change))).toContain(path);
  });

  it('rejects a manifest missing a required section', () => {
    const { settings: _settings, ...withoutSettings } = validManifest();
    expect(issuePaths(withoutSettings)).toContain('settings');
  });

  it('accepts a Socket Mode manifest without request URLs', () => {
    const socketMode = mutate((m) => {
      m.settings.socket_mode_enabled = true;
      delete firstCommand(m).url;
      m.settings.interactivity = { is_enabled: true };
    });
    expect(issuePaths(socketMode)).toEqual([]);
  });
});

/* ------------------------------------------------------------------------------------------------
 * Slash commands are registered only through SLASH_COMMANDS. A raw '/incident' in a `.command(...)`
 * call (or anywhere outside ids.ts) would drift from the manifest without this test noticing.
 * ---------------------------------------------------------------------------------------------- */

const IDS_FILE = join(ROOT, 'src/slack/ids.ts');
const COMMAND_NAMES = new Set<string>(Object.values(SLASH_COMMANDS).map((c) => c.command));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Literal slash-command names in `.command(...)` calls, and literal copies of SLASH_COMMANDS names. */
function rawSlashCommands(fileName: string, text: string, allowNameLiterals = false): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found = new Map<number, string>();
  const report = (node: ts.Node, what: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    found.set(node.getStart(), `${fileName}:${line + 1}: ${what}`);
  };
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'command'
    ) {
      const arg = node.arguments[0];
      const literalText =
        arg &&
        (ts.isStringLiteralLike(arg) ? arg.text : ts.isTemplateExpression(arg) ? arg.head.text : undefined);
      // Bolt's app.command() takes a string or a RegExp; a commander-style .command('migrate') is not a slash command.
      if (arg && (literalText?.startsWith('/') || ts.isRegularExpressionLiteral(arg))) {
        report(arg, `.command(${arg.getText()}) — use SLASH_COMMANDS.<name>.command`);
      }
    } else if (
      !allowNameLiterals &&
      ts.isStringLiteralLike(node) &&
      COMMAND_NAMES.has(node.text) &&
      !found.has(node.getStart())
    ) {
      report(node, `${node.getText()} — use SLASH_COMMANDS.<name>.command`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return [...found.values()];
}

describe('slash command registrations', () => {
  it('finds raw slash command literals (scanner self-test)', () => {
    const bad = [
      "app.command('/incident', handler);",
      'app.command(`/incident`, handler);',
      'app.command(`/${name}`, handler);',
      'app.command(/^\\/incident$/, handler);',
      "const cmd = '/incident';",
    ].join('\n');
    expect(rawSlashCommands('bad.ts', bad)).toHaveLength(5);
    const good = [
      'app.command(SLASH_COMMANDS.incident.command, handler);',
      "program.command('migrate');",
      "respond('Try /incident help');",
      "// app.command('/incident') in a comment is fine",
    ].join('\n');
    expect(rawSlashCommands('good.ts', good)).toEqual([]);
  });

  it('src/ registers slash commands only through SLASH_COMMANDS', () => {
    const files = sourceFiles(join(ROOT, 'src'));
    expect(files).toContain(IDS_FILE);
    const findings = files.flatMap((file) =>
      rawSlashCommands(relative(ROOT, file), readFileSync(file, 'utf8'), file === IDS_FILE),
    );
    expect(findings).toEqual([]);
  });
});
