/** Signed Slack modal submissions the benchmarks send, built with the tests' request helpers. */
import type { Stage } from '../../src/domain/stages';
import { INPUT_IDS, VIEW_IDS } from '../../src/slack/ids';
import {
  checkboxValue,
  declareFormValues,
  selectValue,
  sendViewSubmission,
  textValue,
} from '../../test/support/slack-requests';

export function sendDeclare(baseUrl: string, viewId: string, title: string): Promise<Response> {
  return sendViewSubmission(baseUrl, {
    callbackId: VIEW_IDS.declare,
    viewId,
    privateMetadata: JSON.stringify({ originChannelId: 'C0GENERAL' }),
    values: declareFormValues({ title, summary: 'Pages fail to load.' }),
  });
}

export function sendUpdate(
  baseUrl: string,
  update: { viewId: string; incidentId: string; stage: Stage; message: string },
): Promise<Response> {
  return sendViewSubmission(baseUrl, {
    callbackId: VIEW_IDS.update,
    viewId: update.viewId,
    privateMetadata: JSON.stringify({ incidentId: update.incidentId, version: 1 }),
    values: {
      [INPUT_IDS.stage.block]: { [INPUT_IDS.stage.action]: selectValue(update.stage) },
      [INPUT_IDS.publicMessage.block]: { [INPUT_IDS.publicMessage.action]: textValue(update.message) },
      [INPUT_IDS.internalNote.block]: { [INPUT_IDS.internalNote.action]: textValue(null) },
      [INPUT_IDS.notify.block]: { [INPUT_IDS.notify.action]: checkboxValue(['notify']) },
    },
  });
}
