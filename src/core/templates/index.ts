/** Templates: per-channel Liquid content, compiled once and rendered strictly for each message. */
export { compileTemplate } from './compile-template.js';
export type { CompiledField, CompiledTemplate, CompileResult, TemplateProblem } from './compile-template.js';
export { renderTemplate } from './render-template.js';
export type { RenderResult } from './render-template.js';
export { FilterInputError, formatDateJa, formatYen, maskNumber } from './filters.js';
export type { Flavor } from './filters.js';
export type {
  PnpTemplateSource,
  RenderedChannel,
  RenderedChannels,
  TemplateChannels,
  TemplateSource,
} from './template-content.js';
