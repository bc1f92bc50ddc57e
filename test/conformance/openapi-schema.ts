/**
 * Turns the schemas of an OpenAPI 3.0 document into JSON Schema (draft-07) that Ajv validates as the spec means
 * them: `nullable` becomes a `null` type, boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers, and a
 * `discriminator` with a `mapping` on a base schema (the LINE specs' inheritance pattern: `TextMessage` is
 * `allOf: [Message, {…}]`) dispatches on the discriminator value to the mapped schema.
 */

type Json = Record<string, unknown>;

const SCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf'] as const;
const SCHEMA_SINGLES = ['items', 'not', 'additionalProperties'] as const;
/** Keywords of OpenAPI's Schema Object that JSON Schema does not have or means differently. */
const OPENAPI_ONLY = ['nullable', 'discriminator', 'xml', 'externalDocs', 'example', 'deprecated'];

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One schema and everything below it, converted in place. */
export function convertSchema(schema: unknown): void {
  if (!isObject(schema)) return;
  if (isObject(schema.properties)) for (const p of Object.values(schema.properties)) convertSchema(p);
  for (const key of SCHEMA_ARRAYS) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) convertSchema(s);
  }
  for (const key of SCHEMA_SINGLES) convertSchema(schema[key]);

  for (const bound of ['Minimum', 'Maximum'] as const) {
    const exclusive = `exclusive${bound}`;
    const limit = bound.toLowerCase();
    if (schema[exclusive] === true && typeof schema[limit] === 'number') {
      schema[exclusive] = schema[limit];
      delete schema[limit];
    } else if (schema[exclusive] === false) {
      delete schema[exclusive];
    }
  }

  if (schema.nullable === true) {
    if (typeof schema.type === 'string') {
      schema.type = [schema.type, 'null'];
      if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum = [...schema.enum, null];
    } else if (schema.type === undefined) {
      // A $ref (whose siblings 3.0 ignores) or a composition: null, or whatever the rest allows.
      const rest: Json = { ...schema };
      for (const key of Object.keys(schema)) delete schema[key];
      delete rest.nullable;
      schema.anyOf = [rest, { type: 'null' }];
      return;
    }
  }
  if (typeof schema.$ref === 'string') {
    // In OpenAPI 3.0 the siblings of $ref are ignored; draft-07 Ajv would ignore them as well, but keep it explicit.
    for (const key of Object.keys(schema)) if (key !== '$ref') delete schema[key];
    return;
  }
  for (const key of OPENAPI_ONLY) if (key !== 'discriminator') delete schema[key];
}

const COMPONENT_PREFIX = '#/components/schemas/';

/**
 * Rewrites every component schema that has `discriminator.mapping` (and no oneOf/anyOf of its own) into a
 * dispatcher: the base's own rules, plus, for each mapped value, `if type == value then the mapped schema`. The
 * mapped schemas' `allOf` references to the base are pointed at a copy of the base without the dispatch, so that
 * validating a `TextMessage` does not dispatch back into itself.
 */
export function expandDiscriminators(schemas: Json): void {
  for (const [name, schema] of Object.entries(schemas)) {
    if (!isObject(schema) || !isObject(schema.discriminator)) continue;
    const { propertyName, mapping } = schema.discriminator as { propertyName?: unknown; mapping?: unknown };
    delete schema.discriminator;
    if (typeof propertyName !== 'string' || !isObject(mapping)) continue;
    if (schema.oneOf !== undefined || schema.anyOf !== undefined) continue;

    const baseName = `${name}__base`;
    schemas[baseName] = { ...schema };
    const baseRef = `${COMPONENT_PREFIX}${baseName}`;
    const dispatch = Object.entries(mapping).map(([value, target]) => ({
      if: { properties: { [propertyName]: { const: value } }, required: [propertyName] },
      then: { $ref: target },
    }));
    for (const key of Object.keys(schema)) delete schema[key];
    schema.allOf = [{ $ref: baseRef }, ...dispatch];

    for (const target of Object.values(mapping)) {
      if (typeof target !== 'string' || !target.startsWith(COMPONENT_PREFIX)) continue;
      const mapped = schemas[target.slice(COMPONENT_PREFIX.length)];
      if (!isObject(mapped) || !Array.isArray(mapped.allOf)) continue;
      for (const part of mapped.allOf as unknown[]) {
        if (isObject(part) && part.$ref === `${COMPONENT_PREFIX}${name}`) part.$ref = baseRef;
      }
    }
  }
}

/** Every schema of an operation-like object: parameters, request bodies, responses (and their headers). */
function convertOperation(operation: unknown): void {
  if (!isObject(operation)) return;
  if (Array.isArray(operation.parameters)) {
    for (const p of operation.parameters) if (isObject(p)) convertSchema(p.schema);
  }
  convertContent(isObject(operation.requestBody) ? operation.requestBody.content : undefined);
  if (isObject(operation.responses)) {
    for (const response of Object.values(operation.responses)) {
      if (!isObject(response)) continue;
      convertContent(response.content);
      if (isObject(response.headers)) {
        for (const h of Object.values(response.headers)) if (isObject(h)) convertSchema(h.schema);
      }
    }
  }
}

function convertContent(content: unknown): void {
  if (!isObject(content)) return;
  for (const media of Object.values(content)) if (isObject(media)) convertSchema(media.schema);
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Converts a whole (already cloned) OpenAPI 3.0 document in place. */
export function convertDocument(doc: Json): void {
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  for (const schema of Object.values(schemas)) convertSchema(schema);
  expandDiscriminators(schemas);
  if (isObject(components.parameters)) {
    for (const p of Object.values(components.parameters)) if (isObject(p)) convertSchema(p.schema);
  }
  if (isObject(components.requestBodies)) {
    for (const b of Object.values(components.requestBodies)) if (isObject(b)) convertContent(b.content);
  }
  if (isObject(components.responses)) {
    for (const r of Object.values(components.responses)) if (isObject(r)) convertContent(r.content);
  }
  if (!isObject(doc.paths)) return;
  for (const item of Object.values(doc.paths)) {
    if (!isObject(item)) continue;
    convertOperation({ parameters: item.parameters });
    for (const method of METHODS) convertOperation(item[method]);
  }
}

/** Every `format` named anywhere in the document, so unknown ones can be registered as "anything goes". */
export function formatsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) formatsIn(v, found);
  } else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'format' && typeof v === 'string') found.add(v);
      else formatsIn(v, found);
    }
  }
  return found;
}
