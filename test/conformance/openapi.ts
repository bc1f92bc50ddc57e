import { readFileSync } from 'node:fs';
import { Ajv, type Format, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import {
  compileTemplates,
  conditionalProblems,
  decodeForm,
  describeErrors,
  isObject,
  lowerHeaders,
  mediaType,
  pickMedia,
  propertiesAt,
  pointerOf,
  type Headers,
  type Json,
} from './openapi-http.js';
import { convertDocument, formatsIn } from './openapi-schema.js';
import { securityProblems, type SecurityRequirement } from './openapi-security.js';

export interface HttpRequest {
  method: string;
  /** Path, optionally with its query string: `/2010-04-01/Accounts/AC…/Messages.json?To=%2B81…`. */
  path: string;
  headers?: Headers;
  body?: string | Buffer;
}

export interface HttpResponse {
  status: number;
  headers?: Headers;
  body?: string | Buffer;
}

export interface Verdict {
  ok: boolean;
  /** One line per problem, naming where it is: `body/messages/0/text: must be string`. */
  errors: string[];
}

export interface ResponseVerdict extends Verdict {
  /** False when the operation documents neither this status, nor its class (`4XX`), nor `default`. */
  documented: boolean;
}

export interface MatchedOperation {
  method: string;
  template: string;
  pathParams: Record<string, string>;
  operation: Json;
  /** JSON pointer (URI-fragment encoded) of the operation inside the document. */
  pointer: string;
}

export interface OpenApiDocument {
  title: string;
  /** The operation for a method and a concrete path (query ignored); undefined when the spec has none. */
  match(method: string, path: string): MatchedOperation | undefined;
  validateRequest(request: HttpRequest): Verdict;
  validateResponse(request: Pick<HttpRequest, 'method' | 'path'>, response: HttpResponse): ResponseVerdict;
  /** A value against `#/components/schemas/<name>` (or any `#/…` pointer into the document). */
  validateSchema(nameOrPointer: string, value: unknown): Verdict;
  /** Top-level property names a component schema documents, through `$ref` and `allOf`. */
  propertiesOf(name: string): string[];
}

export interface LoadOptions {
  /** Extra or replacement formats; formats nobody knows are accepted as anything. */
  formats?: Record<string, Format>;
}

// ajv-formats is CommonJS with `exports.default`; NodeNext sees the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const DOC_ID = 'openapi';
const parsed = new Map<string, Json>();

function readDocument(file: string): Json {
  let doc = parsed.get(file);
  if (doc === undefined) {
    const text = readFileSync(file, 'utf8');
    doc = (file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { maxAliasCount: -1 })) as Json;
    convertDocument(doc);
    parsed.set(file, doc);
  }
  return doc;
}

function newAjv(doc: Json, options: LoadOptions, coerce: boolean): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    ...(coerce ? { coerceTypes: 'array' as const } : {}),
  });
  addFormats(ajv);
  for (const [name, format] of Object.entries(options.formats ?? {})) ajv.addFormat(name, format);
  for (const name of formatsIn(doc)) if (ajv.formats[name] === undefined) ajv.addFormat(name, true);
  ajv.addSchema(doc, DOC_ID);
  return ajv;
}

/** Loads an OpenAPI 3.0 document (YAML or JSON) once per file and validates requests and responses against it. */
export function loadOpenApi(file: string, options: LoadOptions = {}): OpenApiDocument {
  const doc = readDocument(file);
  const strictAjv = newAjv(doc, options, false);
  const coercingAjv = newAjv(doc, options, true);
  const compiled = new Map<string, ValidateFunction>();
  const validator = (pointer: string, coerce: boolean): ValidateFunction => {
    const key = `${coerce}:${pointer}`;
    let fn = compiled.get(key);
    if (fn === undefined) {
      const ajv = coerce ? coercingAjv : strictAjv;
      // Coercion needs a parent to write into, so the value is validated as property `v`.
      const schema = coerce
        ? { type: 'object', properties: { v: { $ref: DOC_ID + pointer } } }
        : { $ref: DOC_ID + pointer };
      fn = ajv.compile(schema);
      compiled.set(key, fn);
    }
    return fn;
  };
  const check = (where: string, pointer: string, value: unknown, coerce = false): string[] => {
    const fn = validator(pointer, coerce);
    return fn(coerce ? { v: value } : value)
      ? []
      : describeErrors(where, fn.errors).map((e) => e.replace(`${where}/v`, where));
  };

  const paths = isObject(doc.paths) ? doc.paths : {};
  const templates = compileTemplates(Object.keys(paths));

  function match(method: string, path: string): MatchedOperation | undefined {
    const bare = path.split('?')[0]!;
    const verb = method.toLowerCase();
    for (const t of templates) {
      const m = t.regex.exec(bare);
      const item = paths[t.template];
      if (m === null || !isObject(item) || !isObject(item[verb])) continue;
      const pathParams: Record<string, string> = {};
      t.names.forEach((name, i) => (pathParams[name] = decodeURIComponent(m[i + 1]!)));
      return {
        method: verb,
        template: t.template,
        pathParams,
        operation: item[verb],
        pointer: pointerOf('paths', t.template, verb),
      };
    }
    return undefined;
  }

  /** Path-item and operation parameters, the operation's winning on the same name and place. */
  function parametersOf(m: MatchedOperation): { param: Json; pointer: string }[] {
    const byKey = new Map<string, { param: Json; pointer: string }>();
    const item = paths[m.template] as Json;
    const add = (list: unknown, base: string) => {
      if (!Array.isArray(list)) return;
      list.forEach((p: unknown, i) => {
        if (isObject(p) && typeof p.name === 'string') {
          byKey.set(`${String(p.in)}:${p.name.toLowerCase()}`, {
            param: p,
            pointer: `${base}/parameters/${i}`,
          });
        }
      });
    };
    add(item.parameters, pointerOf('paths', m.template));
    add(m.operation.parameters, m.pointer);
    return [...byKey.values()];
  }

  function validateRequest(request: HttpRequest): Verdict {
    const m = match(request.method, request.path);
    if (m === undefined) return { ok: false, errors: [`no operation ${request.method} ${request.path}`] };
    const errors: string[] = [];
    const headers = lowerHeaders(request.headers);
    const query = new URLSearchParams(request.path.split('?')[1] ?? '');
    const declaredQuery = new Set<string>();
    for (const { param, pointer } of parametersOf(m)) {
      const name = param.name as string;
      let value: unknown;
      if (param.in === 'path') value = m.pathParams[name];
      else if (param.in === 'header') value = headers[name.toLowerCase()];
      else if (param.in === 'query') {
        declaredQuery.add(name);
        const all = query.getAll(name);
        value = all.length === 0 ? undefined : all.length === 1 ? all[0] : all;
      } else continue;
      const where = `${String(param.in)} ${name}`;
      if (value === undefined) {
        if (param.required === true) errors.push(`${where}: required`);
        continue;
      }
      if (isObject(param.schema)) errors.push(...check(where, `${pointer}/schema`, value, true));
    }
    for (const name of new Set(query.keys())) {
      if (!declaredQuery.has(name)) errors.push(`query ${name}: not a documented parameter`);
    }
    const security = (m.operation.security ?? doc.security) as SecurityRequirement[] | undefined;
    errors.push(...securityProblems(security, doc, headers));
    errors.push(...bodyProblems(m, headers, request.body));
    return { ok: errors.length === 0, errors };
  }

  function bodyProblems(
    m: MatchedOperation,
    headers: Record<string, string>,
    body?: string | Buffer,
  ): string[] {
    const requestBody = m.operation.requestBody;
    const text = body === undefined ? '' : body.toString();
    if (!isObject(requestBody)) return text === '' ? [] : ['body: the operation documents no request body'];
    if (text === '') return requestBody.required === true ? ['body: required'] : [];
    const content = isObject(requestBody.content) ? requestBody.content : {};
    const type = mediaType(headers['content-type']);
    const media = pickMedia(content, type);
    if (media === undefined) return [`body: content type ${type ?? '(none)'} is not documented`];
    const pointer = `${m.pointer}/requestBody/content/${encodeURIComponent(media.replace(/\//g, '~1'))}/schema`;
    if (!isObject((content[media] as Json).schema)) return [];
    if (media === 'application/x-www-form-urlencoded') {
      const form = decodeForm(text);
      const errors = check('body', pointer, form, true);
      // Twilio ignores parameters it does not know, so a misspelt name would pass silently: flag it here.
      const known = new Set(propertiesAt(doc, pointer));
      if (known.size > 0)
        for (const name of Object.keys(form))
          if (!known.has(name)) errors.push(`body ${name}: not a documented field`);
      errors.push(...conditionalProblems(m.operation, form));
      return errors;
    }
    if (/json/.test(media)) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return ['body: not JSON'];
      }
      return check('body', pointer, value);
    }
    return [];
  }

  function validateResponse(
    request: Pick<HttpRequest, 'method' | 'path'>,
    response: HttpResponse,
  ): ResponseVerdict {
    const m = match(request.method, request.path);
    if (m === undefined)
      return { ok: false, documented: false, errors: [`no operation ${request.method} ${request.path}`] };
    const responses = isObject(m.operation.responses) ? m.operation.responses : {};
    const code = [String(response.status), `${String(response.status)[0]}XX`, 'default'].find((c) =>
      isObject(responses[c]),
    );
    if (code === undefined) {
      return {
        ok: false,
        documented: false,
        errors: [`status ${response.status} is not documented for ${m.method.toUpperCase()} ${m.template}`],
      };
    }
    const content = (responses[code] as Json).content;
    const text = response.body === undefined ? '' : response.body.toString();
    if (!isObject(content) || Object.keys(content).length === 0)
      return { ok: true, documented: true, errors: [] };
    const type = mediaType(lowerHeaders(response.headers)['content-type']);
    const media = pickMedia(content, type);
    const fail = (error: string): ResponseVerdict => ({ ok: false, documented: true, errors: [error] });
    if (media === undefined)
      return fail(`response ${response.status}: content type ${type ?? '(none)'} is not documented`);
    if (!isObject((content[media] as Json).schema) || !/json/.test(media))
      return { ok: true, documented: true, errors: [] };
    if (text === '') return fail(`response ${response.status}: body expected`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return fail(`response ${response.status}: body is not JSON`);
    }
    const pointer = `${m.pointer}/responses/${code}/content/${encodeURIComponent(media.replace(/\//g, '~1'))}/schema`;
    const errors = check(`response ${response.status}`, pointer, value);
    return { ok: errors.length === 0, documented: true, errors };
  }

  const toPointer = (nameOrPointer: string) =>
    nameOrPointer.startsWith('#/') ? nameOrPointer : pointerOf('components', 'schemas', nameOrPointer);

  return {
    title: String((doc.info as Json | undefined)?.title ?? file),
    match,
    validateRequest,
    validateResponse,
    validateSchema(nameOrPointer, value) {
      const errors = check('value', toPointer(nameOrPointer), value);
      return { ok: errors.length === 0, errors };
    },
    propertiesOf: (name) => propertiesAt(doc, toPointer(name)),
  };
}

export { decodeForm, pointerOf };
