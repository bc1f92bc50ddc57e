import type { Command } from 'commander';
import { apiClient, apiCommand, jsonArgument } from './api-command.js';
import { contactLine, type ContactJson } from './contact-format.js';
import { processIo, type CampaignCliIo } from './campaign.js';

interface SegmentJson {
  id: string;
  name: string;
  description: string | null;
  filter: unknown;
  version: number;
}

/** `todoke segments …`: saved filters over contacts, through the HTTP API. */
export function segmentsCommand(io: CampaignCliIo = processIo()): Command {
  const segments = apiCommand(
    'segments',
    'セグメント / segments: saved filters over contacts — create, list, preview',
  );

  segments
    .command('create')
    .description('save a filter over contacts')
    .requiredOption('--name <name>', 'segment name (unique)')
    .requiredOption(
      '--filter <json>',
      'e.g. \'{"all":[{"attribute":"age","op":"between","value":[30,39]}]}\' (or @file.json)',
    )
    .option('--description <text>', 'what the segment is for')
    .action(async (options: { name: string; filter: string; description?: string }, cmd: Command) => {
      const created = await apiClient(cmd, io).json<SegmentJson>('POST', '/v1/segments', {
        name: options.name,
        filter: jsonArgument(options.filter),
        ...(options.description !== undefined ? { description: options.description } : {}),
      });
      io.out(`作成しました / created: ${created.id}  ${created.name}`);
      io.out(`  確認 / check: todoke segments preview ${created.id}`);
    });

  segments
    .command('list')
    .description('segments, by name')
    .action(async (_o, cmd: Command) => {
      const { items } = await apiClient(cmd, io).json<{ items: SegmentJson[] }>('GET', '/v1/segments');
      for (const s of items) io.out(`${s.id}  v${s.version}  ${s.name}  ${JSON.stringify(s.filter)}`);
    });

  segments
    .command('preview')
    .argument('<idOrName>')
    .description('how many contacts match, and the first of them')
    .option('--limit <n>', 'contacts to show (at most 100)', (v) => Number.parseInt(v, 10), 20)
    .action(async (idOrName: string, options: { limit: number }, cmd: Command) => {
      const preview = await apiClient(cmd, io).json<{
        segment: SegmentJson;
        count: number;
        contacts: ContactJson[];
      }>('GET', `/v1/segments/${encodeURIComponent(idOrName)}/preview?limit=${options.limit}`);
      io.out(`${preview.segment.name}: ${preview.count.toLocaleString('ja-JP')} 件 / contacts match`);
      for (const c of preview.contacts) io.out(`  ${contactLine(c)}`);
    });

  return segments;
}
