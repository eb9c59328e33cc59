// The Kubernetes manifests in deploy/kubernetes/, checked offline, without a cluster: every object against
// Kubernetes' own schemas (kubernetes-models: types, required fields, enums), every field name against the API's
// types (TypeScript's excess-property check over the same package's declarations: a misspelt field is an error
// here, as `kubectl --validate=strict` makes it), and what the backup itself needs of them.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { loadInstallation } from '../../src/config/config.js';
import { chosenShard } from '../../src/cli/shard.js';
import { tempDir } from '../helpers/tempDir.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIR = path.join(ROOT, 'deploy/kubernetes');

type Manifest = { apiVersion: string; kind: string; [key: string]: unknown };
const manifests: { file: string; doc: Manifest }[] = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) => parseAllDocuments(fs.readFileSync(path.join(DIR, file), 'utf8')).map((d) => ({ file, doc: d.toJS() as Manifest })));
const only = <T>(kind: string) => manifests.find((m) => m.doc.kind === kind)!.doc as unknown as T;

const MODELS: Record<string, { type: string; module: string; validate(doc: Manifest): void }> = {
  CronJob: { type: 'ICronJob', module: 'kubernetes-models/batch/v1/CronJob', validate: (d) => new CronJob(d as never).validate() },
  ConfigMap: { type: 'IConfigMap', module: 'kubernetes-models/v1/ConfigMap', validate: (d) => new ConfigMap(d as never).validate() },
  Secret: { type: 'ISecret', module: 'kubernetes-models/v1/Secret', validate: (d) => new Secret(d as never).validate() },
};

describe('the Kubernetes manifests', () => {
  it('are a CronJob, its ConfigMap and an example Secret, each valid against the Kubernetes API schemas', () => {
    expect(manifests.map((m) => m.doc.kind).sort()).toEqual(['ConfigMap', 'CronJob', 'Secret']);
    for (const { file, doc } of manifests) expect(() => MODELS[doc.kind]!.validate(doc), file).not.toThrow();
  });

  it('name no field the API does not have', () => {
    // Written where node_modules resolves, compiled, never run.
    const dir = path.join(ROOT, 'build', 'manifest-check');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'manifests.ts');
    const source = manifests
      .map(({ doc }, i) => `import type { ${MODELS[doc.kind]!.type} as T${i} } from '${MODELS[doc.kind]!.module}';\nexport const m${i}: T${i} = ${JSON.stringify(doc, null, 2)};`)
      .join('\n');
    fs.writeFileSync(file, source);
    const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(errors).toEqual([]);
    // And the check itself catches a misspelt field.
    fs.writeFileSync(file, `import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';\nexport const m: ICronJob = { apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: 'x', concurencyPolicy: 'Forbid', jobTemplate: { spec: { template: {} } } } };`);
    const misspelt = ts.getPreEmitDiagnostics(ts.createProgram([file], program.getCompilerOptions())).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(misspelt.join('\n')).toMatch(/concurencyPolicy/);
  });

  it('run one night at a time, in its time zone, as an Indexed Job whose every index is one shard', () => {
    const cron = only<CronJob>('CronJob');
    const spec = cron.spec!;
    expect(spec.concurrencyPolicy).toBe('Forbid');
    expect(spec.timeZone).toBe('Europe/Warsaw');
    expect(spec.startingDeadlineSeconds).toBeGreaterThan(0);
    const job = spec.jobTemplate.spec!;
    expect(job.completionMode).toBe('Indexed');
    expect(job.parallelism).toBe(job.completions);
    expect(job.backoffLimitPerIndex).toBeGreaterThan(0);
    const pod = job.template.spec!;
    const container = pod.containers.find((c) => c.name === 'backup')!;
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    expect(Number(env.BACKUP_SHARD_COUNT)).toBe(job.completions);
    // What each pod makes of the index Kubernetes gives it: every index a shard, every shard an index.
    const shards = Array.from({ length: job.completions! }, (_, i) => chosenShard(undefined, { BACKUP_SHARD_COUNT: env.BACKUP_SHARD_COUNT, JOB_COMPLETION_INDEX: String(i) }));
    expect(shards).toEqual(Array.from({ length: job.completions! }, (_, index) => ({ index, count: job.completions })));
    // The data dir keeps nothing between nights; the config comes from the ConfigMap.
    const volumes = Object.fromEntries((pod.volumes ?? []).map((v) => [v.name, v]));
    const mounts = Object.fromEntries((container.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
    expect(volumes[mounts[env.BACKUP_DATA_DIR!]!]?.emptyDir).toBeDefined();
    expect(volumes[mounts[path.dirname(env.BACKUP_CONFIG!)]!]?.configMap?.name).toBe(only<ConfigMap>('ConfigMap').metadata!.name);
    // The image's own user (the Dockerfile's `node`, uid 1000) owns what it writes.
    expect(pod.securityContext?.runAsUser).toBe(1000);
    expect(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/^USER node$/m);
  });

  it("carry a configuration the program accepts, and a token for every client in the Secret", () => {
    const configMap = only<ConfigMap>('ConfigMap');
    const secret = only<Secret>('Secret');
    const dir = tempDir('blb-k8s-');
    fs.writeFileSync(path.join(dir, 'backup.json'), configMap.data!['backup.json']!, { mode: 0o600 });
    const installation = loadInstallation({ BACKUP_CONFIG: path.join(dir, 'backup.json'), BACKUP_DATA_DIR: '/data', ...secret.stringData }, dir);
    expect(installation.accounts.length).toBeGreaterThan(1);
    for (const account of installation.accounts) {
      expect(Object.keys(secret.stringData!)).toContain(`BASELINKER_TOKEN_${account.account.id.toUpperCase().replaceAll('-', '_')}`);
      expect(account.baselinker.token).toMatch(/^replace-with-/);
      expect(account.dataDir).toBe(`/data/accounts/${account.account.id}`);
    }
    // The pods share one Google account's 3 writes a second, each pacing itself.
    const container = only<CronJob>('CronJob').spec!.jobTemplate.spec!.template.spec!.containers.find((c) => c.name === 'backup')!;
    const shards = Number(container.env!.find((e) => e.name === 'BACKUP_SHARD_COUNT')!.value);
    expect(installation.settings.gdrive.writesPerSecond * shards).toBeLessThanOrEqual(3);
  });
});
