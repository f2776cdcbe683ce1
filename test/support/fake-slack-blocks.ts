/**
 * Block Kit limits the fake Slack Web API enforces (test/support/fake-slack.ts), with Slack's error
 * codes: messages (chat.postMessage / chat.update / chat.postEphemeral) fail with `invalid_blocks`,
 * views (views.open / update / push / publish) with `invalid_arguments`; both carry the problems as
 * `response_metadata.messages`, worded like Slack's (`[ERROR] … [json-pointer:/blocks/0/text/text]`).
 */
import { type Args, SlackApiError, isObject } from './fake-slack-rules';

/** Slack accepts longer top-level `text` but truncates it to this many characters. */
export const MESSAGE_TEXT_LIMIT = 40_000;
export const MESSAGE_BLOCK_LIMIT = 50;
export const VIEW_BLOCK_LIMIT = 100;

type Errors = string[];

function maxLength(errors: Errors, value: unknown, max: number, pointer: string): void {
  if (typeof value === 'string' && value.length > max)
    errors.push(`[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}]`);
}

function maxItems(errors: Errors, value: unknown, max: number, pointer: string): void {
  if (Array.isArray(value) && value.length > max)
    errors.push(`[ERROR] no more than ${max} items allowed [json-pointer:${pointer}]`);
}

/** The `text` of a text object, or undefined. */
const textOf = (value: unknown): unknown => (isObject(value) ? value.text : undefined);

function checkOptions(errors: Errors, options: unknown, pointer: string): void {
  if (!Array.isArray(options)) return;
  maxItems(errors, options, 100, pointer);
  options.forEach((option, i) => {
    maxLength(errors, textOf(isObject(option) ? option.text : undefined), 75, `${pointer}/${i}/text/text`);
    maxLength(errors, isObject(option) ? option.value : undefined, 150, `${pointer}/${i}/value`);
  });
}

/** Interactive elements: action_id ≤ 255; buttons text ≤ 75, value ≤ 2000; selects ≤ 100 options. */
function checkElement(errors: Errors, element: unknown, pointer: string): void {
  if (!isObject(element)) return;
  maxLength(errors, element.action_id, 255, `${pointer}/action_id`);
  if (element.type === 'button') {
    maxLength(errors, textOf(element.text), 75, `${pointer}/text/text`);
    maxLength(errors, element.value, 2000, `${pointer}/value`);
    maxLength(errors, element.url, 3000, `${pointer}/url`);
  }
  checkOptions(errors, element.options, `${pointer}/options`);
  if (Array.isArray(element.option_groups))
    element.option_groups.forEach((group, i) =>
      checkOptions(
        errors,
        isObject(group) ? group.options : undefined,
        `${pointer}/option_groups/${i}/options`,
      ),
    );
}

/** Every problem in a blocks array, as Slack words them; `base` is the array's JSON pointer. */
export function blockErrors(blocks: unknown[], base: string, maxBlocks: number): Errors {
  const errors: Errors = [];
  maxItems(errors, blocks, maxBlocks, base);
  blocks.forEach((block, i) => {
    const at = `${base}/${i}`;
    if (!isObject(block) || typeof block.type !== 'string') {
      errors.push(`[ERROR] missing required field: type [json-pointer:${at}]`);
      return;
    }
    maxLength(errors, block.block_id, 255, `${at}/block_id`);
    switch (block.type) {
      case 'section':
        if (block.text === undefined && block.fields === undefined)
          errors.push(`[ERROR] must provide at least one of text or fields [json-pointer:${at}]`);
        maxLength(errors, textOf(block.text), 3000, `${at}/text/text`);
        maxItems(errors, block.fields, 10, `${at}/fields`);
        if (Array.isArray(block.fields))
          block.fields.forEach((field, j) =>
            maxLength(errors, textOf(field), 2000, `${at}/fields/${j}/text`),
          );
        checkElement(errors, block.accessory, `${at}/accessory`);
        break;
      case 'header':
        if (typeof textOf(block.text) !== 'string')
          errors.push(`[ERROR] missing required field: text [json-pointer:${at}/text]`);
        maxLength(errors, textOf(block.text), 150, `${at}/text/text`);
        break;
      case 'actions':
        maxItems(errors, block.elements, 25, `${at}/elements`);
        if (Array.isArray(block.elements))
          block.elements.forEach((element, j) => checkElement(errors, element, `${at}/elements/${j}`));
        break;
      case 'context':
        maxItems(errors, block.elements, 10, `${at}/elements`);
        break;
      case 'input':
        maxLength(errors, textOf(block.label), 2000, `${at}/label/text`);
        maxLength(errors, textOf(block.hint), 2000, `${at}/hint/text`);
        checkElement(errors, block.element, `${at}/element`);
        break;
    }
  });
  return errors;
}

/**
 * chat.postMessage / chat.update / chat.postEphemeral content rules. Returns the `text` Slack
 * stores: over MESSAGE_TEXT_LIMIT characters it is truncated, not rejected.
 */
export function checkMessageContent(args: Args): string | undefined {
  const { text, blocks, attachments } = args;
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (!(typeof text === 'string' && text !== '') && !hasBlocks && !hasAttachments)
    throw new SlackApiError('no_text');
  if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackApiError('invalid_blocks_format');
  const errors = Array.isArray(blocks) ? blockErrors(blocks, '/blocks', MESSAGE_BLOCK_LIMIT) : [];
  if (errors.length > 0) throw new SlackApiError('invalid_blocks', errors);
  return typeof text === 'string' ? text.slice(0, MESSAGE_TEXT_LIMIT) : undefined;
}

function plainTextError(value: unknown, pointer: string, max: number, required: boolean): string | undefined {
  if (value === undefined)
    return required
      ? `[ERROR] missing required field: ${pointer.split('/').pop()} [json-pointer:${pointer}]`
      : undefined;
  const obj = value as { type?: unknown; text?: unknown };
  if (!isObject(obj) || obj.type !== 'plain_text' || typeof obj.text !== 'string') {
    return `[ERROR] must be a plain_text text object [json-pointer:${pointer}]`;
  }
  if (obj.text.length > max)
    return `[ERROR] must be less than ${max + 1} characters [json-pointer:${pointer}/text]`;
  return undefined;
}

/** Block Kit view rules for views.open / views.update / views.push / views.publish. */
export function checkView(view: unknown, allowed: readonly ('modal' | 'home')[]): asserts view is Args {
  if (!isObject(view)) {
    throw new SlackApiError('invalid_arguments', ['[ERROR] missing required field: view']);
  }
  const v = view;
  const errors: Errors = [];
  if (typeof v.type !== 'string' || !allowed.includes(v.type as 'modal' | 'home')) {
    errors.push(`[ERROR] must be one of: ${allowed.join(', ')} [json-pointer:/view/type]`);
  }
  if (!Array.isArray(v.blocks))
    errors.push('[ERROR] missing required field: blocks [json-pointer:/view/blocks]');
  else errors.push(...blockErrors(v.blocks, '/view/blocks', VIEW_BLOCK_LIMIT));
  if (v.type === 'modal') {
    for (const [field, required] of [
      ['title', true],
      ['submit', false],
      ['close', false],
    ] as const) {
      const error = plainTextError(v[field], `/view/${field}`, 24, required);
      if (error) errors.push(error);
    }
    const hasInput = Array.isArray(v.blocks) && v.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && v.submit === undefined)
      errors.push('[ERROR] must provide submit when using input blocks [json-pointer:/view/submit]');
  }
  maxLength(errors, v.private_metadata, 3000, '/view/private_metadata');
  maxLength(errors, v.callback_id, 255, '/view/callback_id');
  maxLength(errors, v.external_id, 255, '/view/external_id');
  if (errors.length > 0) throw new SlackApiError('invalid_arguments', errors);
}
