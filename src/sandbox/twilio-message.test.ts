import { describe, expect, it } from 'vitest';
import { stageAt, twilioMessageResource, type TwilioMessageRecord } from './twilio-message.js';

const CREATED = Date.UTC(2025, 10, 21, 3, 4, 5);

function record(overrides: Partial<TwilioMessageRecord> = {}): TwilioMessageRecord {
  return {
    sid: 'SM' + 'ab'.repeat(16),
    accountSid: 'AC' + 'cd'.repeat(16),
    to: '+819012345678',
    from: '+15017122661',
    messagingServiceSid: null,
    body: 'ご予約は明日10時です。',
    numSegments: 1,
    createdAt: CREATED,
    sentAt: CREATED + 20,
    finalStatus: 'delivered',
    finalAt: CREATED + 2_000,
    errorCode: null,
    ...overrides,
  };
}

const at = (m: TwilioMessageRecord, now: number) => twilioMessageResource(m, stageAt(m, now));

describe('Twilio Message resource over time', () => {
  it('is queued until sent_at, sent until final_at, then delivered, each change at its own moment', () => {
    const m = record();
    expect(at(m, CREATED + 19)).toMatchObject({
      status: 'queued',
      date_created: 'Fri, 21 Nov 2025 03:04:05 +0000',
      date_updated: 'Fri, 21 Nov 2025 03:04:05 +0000',
      date_sent: null,
      error_code: null,
      error_message: null,
    });
    expect(at(m, CREATED + 20)).toMatchObject({ status: 'sent', date_sent: expect.any(String) });
    expect(at(m, CREATED + 1_999).status).toBe('sent');
    expect(at(m, CREATED + 2_000)).toMatchObject({
      status: 'delivered',
      date_sent: 'Fri, 21 Nov 2025 03:04:05 +0000',
      date_updated: 'Fri, 21 Nov 2025 03:04:07 +0000',
      error_code: null,
      error_message: null,
      num_segments: '1',
    });
  });

  it('reports undelivered with 30003 and its description only once final', () => {
    const m = record({ finalStatus: 'undelivered', errorCode: 30003 });
    expect(at(m, CREATED + 1_000)).toMatchObject({ status: 'sent', error_code: null, error_message: null });
    expect(at(m, CREATED + 2_000)).toMatchObject({
      status: 'undelivered',
      error_code: 30003,
      error_message: 'Unreachable destination handset',
    });
  });

  it('stays queued until a failed message fails, never showing a send date', () => {
    const m = record({ sentAt: null, finalStatus: 'failed', errorCode: 30008 });
    expect(at(m, CREATED + 1_999)).toMatchObject({ status: 'queued', date_sent: null });
    expect(at(m, CREATED + 2_000)).toMatchObject({
      status: 'failed',
      date_sent: null,
      date_updated: 'Fri, 21 Nov 2025 03:04:07 +0000',
      error_code: 30008,
      error_message: 'Unknown error',
    });
  });

  it('through a Messaging Service, is accepted without sender or segments until the service sends it', () => {
    const m = record({ from: null, messagingServiceSid: 'MG' + 'ef'.repeat(16), numSegments: 2 });
    expect(at(m, CREATED)).toMatchObject({ status: 'accepted', from: null, num_segments: '0' });
    expect(at(m, CREATED + 20)).toMatchObject({ status: 'sent', from: '+15005550006', num_segments: '2' });
  });

  it('answers a message whose delay is zero as delivered at once, yet Create answers it queued', () => {
    const m = record({ sentAt: CREATED, finalAt: CREATED });
    expect(at(m, CREATED).status).toBe('delivered');
    expect(twilioMessageResource(m, 'created').status).toBe('queued');
  });
});
