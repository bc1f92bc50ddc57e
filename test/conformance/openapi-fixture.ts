import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small OpenAPI 3.0 document with one of each feature the validator handles: path templates that overlap,
 * required query/header parameters, HTTP Basic and Bearer security, JSON and form bodies, `nullable`, boolean
 * `exclusiveMinimum`, an inheritance-style `discriminator`, known, unknown and custom formats, response classes.
 */
export const FIXTURE = {
  openapi: '3.0.3',
  info: { title: 'fixture', version: '1' },
  security: [{ basic: [] }],
  components: {
    securitySchemes: { basic: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Pet: {
        type: 'object',
        required: ['type', 'name'],
        properties: {
          type: { type: 'string' },
          name: { type: 'string', minLength: 1 },
          owner: { $ref: '#/components/schemas/Owner', nullable: true },
          age: { type: 'integer', minimum: 0, exclusiveMinimum: true },
          tag: { type: 'string', nullable: true, enum: ['a', 'b'] },
          site: { type: 'string', format: 'uri' },
          born: { type: 'string', format: 'date-time-rfc-2822' },
        },
        discriminator: { propertyName: 'type', mapping: { cat: '#/components/schemas/Cat' } },
      },
      Cat: {
        allOf: [
          { $ref: '#/components/schemas/Pet' },
          { type: 'object', required: ['lives'], properties: { lives: { type: 'integer', maximum: 9 } } },
        ],
      },
      Owner: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', pattern: '^O[0-9]+$' } },
      },
      Error: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
    },
  },
  paths: {
    '/shops/{ShopId}/pets.json': {
      parameters: [
        { name: 'ShopId', in: 'path', required: true, schema: { type: 'string', pattern: '^S[0-9]{3}$' } },
      ],
      post: {
        'x-twilio': { conditional: [['from', 'messaging_service_sid']] },
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['To'],
                properties: {
                  To: { type: 'string' },
                  From: { type: 'string' },
                  MessagingServiceSid: { type: 'string' },
                  Urgent: { type: 'boolean' },
                  MediaUrl: { type: 'array', items: { type: 'string', format: 'uri' } },
                  Callback: { type: 'string', format: 'uri' },
                },
              },
            },
          },
        },
        responses: {
          '201': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
        },
      },
      get: {
        parameters: [
          { name: 'Limit', in: 'query', required: true, schema: { type: 'integer', maximum: 100 } },
          { name: 'Since>', in: 'query', schema: { type: 'string', format: 'date' } },
        ],
        responses: { '200': { description: 'no content documented' } },
      },
    },
    '/shops/{ShopId}/pets/{PetId}.json': {
      get: {
        security: [{ bearer: [] }],
        parameters: [
          { name: 'ShopId', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'PetId', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'X-Trace', in: 'header', required: true, schema: { type: 'string', minLength: 4 } },
        ],
        responses: {
          '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } },
          '4XX': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      },
    },
    '/shops/{ShopId}/pets/special.json': {
      put: {
        security: [],
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } },
        },
        responses: {
          default: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      },
    },
  },
};

/** The fixture as a JSON file in a fresh temporary folder. */
export function writeFixture(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'todoke-openapi-')), 'fixture.json');
  writeFileSync(file, JSON.stringify(FIXTURE));
  return file;
}
