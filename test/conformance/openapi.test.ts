import { beforeAll, describe, expect, it } from 'vitest';
import { decodeForm, loadOpenApi, type OpenApiDocument } from './openapi.js';
import { writeFixture } from './openapi-fixture.js';
import { LINE_MESSAGING_SPEC, specFile } from './specs.js';

const BASIC = { authorization: `Basic ${Buffer.from('user:secret').toString('base64')}` };
const FORM = { ...BASIC, 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };
const RFC2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

let spec: OpenApiDocument;
beforeAll(() => {
  spec = loadOpenApi(writeFixture(), { formats: { 'date-time-rfc-2822': RFC2822 } });
});

const pet = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'dog', name: 'Pochi', ...fields });
const put = (body: string) =>
  spec.validateRequest({ method: 'PUT', path: '/shops/S001/pets/special.json', headers: JSON_TYPE, body });

describe('matching concrete paths to templates', () => {
  it('finds the template and decodes the path parameters', () => {
    expect(spec.match('get', '/shops/S001/pets/42.json?x=1')).toMatchObject({
      template: '/shops/{ShopId}/pets/{PetId}.json',
      pathParams: { ShopId: 'S001', PetId: '42' },
    });
  });

  it('prefers the template with fewer parameters', () => {
    expect(spec.match('PUT', '/shops/S001/pets/special.json')?.template).toBe(
      '/shops/{ShopId}/pets/special.json',
    );
  });

  it('has no match for an unknown path or a method the path lacks', () => {
    expect(spec.match('GET', '/shops/S001/cats.json')).toBeUndefined();
    expect(spec.match('DELETE', '/shops/S001/pets.json')).toBeUndefined();
    expect(spec.validateRequest({ method: 'GET', path: '/nowhere' }).errors).toEqual([
      'no operation GET /nowhere',
    ]);
  });
});

describe('requests: parameters and security', () => {
  const fetchPet = (path: string, headers: Record<string, string>) =>
    spec.validateRequest({ method: 'GET', path, headers });
  const bearer = { authorization: 'Bearer t0ken', 'x-trace': 'abcd' };

  it('accepts a request with valid path, header and credentials', () => {
    expect(fetchPet('/shops/S001/pets/42.json', bearer)).toEqual({ ok: true, errors: [] });
  });

  it('checks path parameters against their schema (coercing integers)', () => {
    expect(fetchPet('/shops/S001/pets/x42.json', bearer).errors).toEqual(['path PetId: must be integer']);
    expect(
      spec.validateRequest({ method: 'GET', path: '/shops/X1/pets.json?Limit=1', headers: BASIC }).errors,
    ).toEqual(['path ShopId: must match pattern "^S[0-9]{3}$"']);
  });

  it('requires required headers, case-insensitively, and checks their schema', () => {
    expect(fetchPet('/shops/S001/pets/1.json', { authorization: 'Bearer t', 'X-TRACE': 'abcd' }).ok).toBe(
      true,
    );
    expect(fetchPet('/shops/S001/pets/1.json', { authorization: 'Bearer t' }).errors).toEqual([
      'header X-Trace: required',
    ]);
    expect(fetchPet('/shops/S001/pets/1.json', { ...bearer, 'x-trace': 'abc' }).errors).toEqual([
      'header X-Trace: must NOT have fewer than 4 characters',
    ]);
  });

  it('checks the security scheme: operation-level bearer, document-level basic, none', () => {
    expect(fetchPet('/shops/S001/pets/1.json', { ...BASIC, 'x-trace': 'abcd' }).errors).toEqual([
      'header Authorization: Bearer token expected',
    ]);
    const list = (headers: Record<string, string>) =>
      spec.validateRequest({ method: 'GET', path: '/shops/S001/pets.json?Limit=5', headers });
    expect(list(BASIC).ok).toBe(true);
    expect(list({ authorization: 'Basic bm9jb2xvbg==' }).errors).toEqual([
      'header Authorization: HTTP Basic credentials (user:password) expected',
    ]);
    expect(put(pet()).ok).toBe(true);
  });

  it('checks query parameters: required, typed, formatted, and no undocumented ones', () => {
    const list = (query: string) =>
      spec.validateRequest({ method: 'GET', path: `/shops/S001/pets.json${query}`, headers: BASIC });
    expect(list('?Limit=100&Since%3E=2026-01-31').ok).toBe(true);
    expect(list('').errors).toEqual(['query Limit: required']);
    expect(list('?Limit=101').errors).toEqual(['query Limit: must be <= 100']);
    expect(list('?Limit=1&Since%3E=31/01/2026').errors).toEqual(['query Since>: must match format "date"']);
    expect(list('?Limit=1&Sinse=2026-01-31').errors).toEqual(['query Sinse: not a documented parameter']);
  });
});

describe('requests: bodies', () => {
  const create = (body: string | undefined, headers: Record<string, string> = FORM) =>
    spec.validateRequest({ method: 'POST', path: '/shops/S001/pets.json', headers, body });

  it('decodes form bodies, repeated names into arrays, and coerces scalars to the schema', () => {
    expect(decodeForm('To=%2B81&MediaUrl=a&MediaUrl=b')).toEqual({ To: '+81', MediaUrl: ['a', 'b'] });
    expect(
      create('To=%2B819012345678&From=%2B15005550006&Urgent=true&MediaUrl=https%3A%2F%2Fx.test%2Fa.png').ok,
    ).toBe(true);
    expect(create('To=%2B81&From=x&Urgent=maybe').errors).toEqual(['body/Urgent: must be boolean']);
  });

  it('finds missing required fields, bad formats and undocumented form fields', () => {
    expect(create('From=x&Callback=not%20a%20url&Colour=red').errors).toEqual([
      "body: must have required property 'To'",
      'body/Callback: must match format "uri"',
      'body Colour: not a documented field',
    ]);
  });

  it('applies x-twilio.conditional: one field of each group', () => {
    expect(create('To=%2B81&MessagingServiceSid=MG1').ok).toBe(true);
    expect(create('To=%2B81').errors).toEqual(['body: one of from, messaging_service_sid is required']);
  });

  it('requires a required body and a documented content type', () => {
    expect(create(undefined).errors).toEqual(['body: required']);
    expect(create('{"To":"+81"}', { ...BASIC, 'content-type': 'application/json' }).errors).toEqual([
      'body: content type application/json is not documented',
    ]);
    expect(
      spec.validateRequest({
        method: 'GET',
        path: '/shops/S001/pets.json?Limit=1',
        headers: BASIC,
        body: 'x',
      }).errors,
    ).toEqual(['body: the operation documents no request body']);
  });

  it('validates JSON bodies, with nullable types and refs and boolean exclusiveMinimum', () => {
    expect(put(pet({ owner: null, tag: null, age: 1 })).ok).toBe(true);
    expect(put(pet({ owner: { id: 'O1' }, tag: 'a' })).ok).toBe(true);
    expect(put(pet({ owner: { id: 'x' } })).errors).toContain(
      'body/owner/id: must match pattern "^O[0-9]+$"',
    );
    expect(put(pet({ tag: 'c' })).errors).toEqual([
      'body/tag: must be equal to one of the allowed values (a, b, )',
    ]);
    expect(put(pet({ age: 0 })).errors).toEqual(['body/age: must be > 0']);
    expect(put('{not json').errors).toEqual(['body: not JSON']);
  });

  it('dispatches on a discriminator mapping to the mapped schema', () => {
    expect(put(pet({ type: 'cat', lives: 9 })).ok).toBe(true);
    expect(put(pet({ type: 'cat' })).errors).toContain("body: must have required property 'lives'");
    expect(put(pet({ type: 'cat', lives: 10, name: '' })).errors).toEqual(
      expect.arrayContaining([
        'body/lives: must be <= 9',
        'body/name: must NOT have fewer than 1 characters',
      ]),
    );
  });

  it('enforces known and custom formats and accepts unknown ones', () => {
    expect(put(pet({ site: 'https://example.test/', born: 'Thu, 24 Aug 2023 05:01:45 +0000' })).ok).toBe(
      true,
    );
    expect(put(pet({ site: 'example' })).errors).toEqual(['body/site: must match format "uri"']);
    expect(put(pet({ born: '2023-08-24T05:01:45Z' })).errors).toEqual([
      'body/born: must match format "date-time-rfc-2822"',
    ]);
    const plain = loadOpenApi(writeFixture());
    expect(plain.validateSchema('Pet', { type: 'dog', name: 'x', born: 'whenever' }).ok).toBe(true);
  });
});

describe('responses', () => {
  const fetched = { method: 'GET', path: '/shops/S001/pets/1.json' };

  it('validates the body of a documented status', () => {
    expect(spec.validateResponse(fetched, { status: 200, headers: JSON_TYPE, body: pet() })).toEqual({
      ok: true,
      documented: true,
      errors: [],
    });
    expect(
      spec.validateResponse(fetched, { status: 200, headers: JSON_TYPE, body: '{"type":"dog"}' }),
    ).toEqual({
      ok: false,
      documented: true,
      errors: ["response 200: must have required property 'name'"],
    });
  });

  it('falls back to the status class and to default', () => {
    expect(
      spec.validateResponse(fetched, { status: 404, headers: JSON_TYPE, body: '{"message":"no"}' }).ok,
    ).toBe(true);
    expect(
      spec.validateResponse(fetched, { status: 429, headers: JSON_TYPE, body: '{"msg":"no"}' }).errors,
    ).toEqual(["response 429: must have required property 'message'"]);
    const special = { method: 'PUT', path: '/shops/S001/pets/special.json' };
    expect(
      spec.validateResponse(special, { status: 503, headers: JSON_TYPE, body: '{"message":"x"}' }).ok,
    ).toBe(true);
  });

  it('says when a status is not documented', () => {
    expect(spec.validateResponse(fetched, { status: 500, headers: JSON_TYPE, body: '{}' })).toEqual({
      ok: false,
      documented: false,
      errors: ['status 500 is not documented for GET /shops/{ShopId}/pets/{PetId}.json'],
    });
  });

  it('checks the content type and that a JSON body is there and parses', () => {
    const r = (headers: Record<string, string>, body: string) =>
      spec.validateResponse(fetched, { status: 200, headers, body });
    expect(r({ 'content-type': 'text/html' }, pet()).errors).toEqual([
      'response 200: content type text/html is not documented',
    ]);
    expect(r(JSON_TYPE, '').errors).toEqual(['response 200: body expected']);
    expect(r(JSON_TYPE, '<html>').errors).toEqual(['response 200: body is not JSON']);
    // One documented type and no header: that type is assumed.
    expect(r({}, pet()).ok).toBe(true);
  });

  it('accepts any body for a documented status without content', () => {
    const list = { method: 'GET', path: '/shops/S001/pets.json' };
    expect(spec.validateResponse(list, { status: 200, body: 'anything' }).ok).toBe(true);
  });
});

describe('component schemas', () => {
  it('validates against a component by name or pointer', () => {
    expect(spec.validateSchema('Owner', { id: 'O7' }).ok).toBe(true);
    expect(spec.validateSchema('#/components/schemas/Owner', {}).errors).toEqual([
      "value: must have required property 'id'",
    ]);
  });

  it('lists documented properties through allOf and $ref', () => {
    expect(spec.propertiesOf('Cat').sort()).toEqual([
      'age',
      'born',
      'lives',
      'name',
      'owner',
      'site',
      'tag',
      'type',
    ]);
  });
});

describe('the real specs load and validate', () => {
  it('LINE: a notification message with a short delivery tag and a text without text fails', () => {
    const line = loadOpenApi(specFile(LINE_MESSAGING_SPEC));
    const request = (tag: string, message: object) =>
      line.validateRequest({
        method: 'POST',
        path: '/bot/pnp/push',
        headers: {
          authorization: 'Bearer t',
          'content-type': 'application/json',
          'x-line-delivery-tag': tag,
        },
        body: JSON.stringify({ to: 'a'.repeat(64), messages: [message] }),
      });
    expect(request('01J0000000000000000000000A', { type: 'text', text: 'hi' })).toEqual({
      ok: true,
      errors: [],
    });
    expect(request('short', { type: 'text' }).errors).toEqual(
      expect.arrayContaining([
        'header X-Line-Delivery-Tag: must NOT have fewer than 16 characters',
        "body/messages/0: must have required property 'text'",
      ]),
    );
  });
});
