import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import type * as SchemaEngineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';

type Bindings = typeof SchemaEngineBindings;

let bindings: Bindings | undefined;

/**
 * Prisma's schema engine (the code behind `prisma migrate deploy`) as WebAssembly.
 *
 * Why not the Prisma CLI: it insists on downloading a native engine binary at run time,
 * which fails offline and in locked-down containers. The wasm build ships on npm and
 * writes the same `_prisma_migrations` table, so `prisma migrate status` agrees with us.
 * The package's own entry uses `import * as wasm from "./x.wasm"`, which Node cannot load,
 * so we instantiate the module ourselves, as wasm-bindgen's generated entry would.
 */
function loadBindings(): Bindings {
  if (bindings) return bindings;
  const packageDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bg = require('@prisma/schema-engine-wasm/schema_engine_bg') as Bindings & {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
  };
  const wasmModule = new WebAssembly.Module(readFileSync(path.join(packageDir, 'schema_engine_bg.wasm')));
  const instance = new WebAssembly.Instance(wasmModule, {
    './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports,
  });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  bindings = bg;
  return bg;
}

export interface EngineHandle {
  engine: SchemaEngine;
  close(): Promise<void>;
}

/**
 * Opens a schema engine on `databaseUrl`. `shadowDatabase` is needed only by commands that
 * replay migrations (diff from migrations, drift check): adapter-pg's own shadow database
 * support is broken in 7.10 (see ENVIRONMENT.md), so callers hand us one they manage.
 */
export async function openSchemaEngine(
  databaseUrl: string,
  options: { shadowDatabaseUrl?: string; datamodel?: string } = {},
): Promise<EngineHandle> {
  const { SchemaEngine } = loadBindings();
  const adapters: SqlDriverAdapter[] = [];
  const main = new PrismaPg({ connectionString: databaseUrl, max: 2 });
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: main.provider,
    adapterName: main.adapterName,
    async connect() {
      const adapter = await main.connect();
      adapters.push(adapter);
      return adapter;
    },
    async connectToShadowDb() {
      if (!options.shadowDatabaseUrl) {
        throw new Error('This operation needs a shadow database and none was provided');
      }
      const adapter = await new PrismaPg({ connectionString: options.shadowDatabaseUrl, max: 2 }).connect();
      adapters.push(adapter);
      return adapter;
    },
  };
  const engineLogs: string[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: options.datamodel ? [['schema.prisma', options.datamodel]] : undefined },
    (log: string) => engineLogs.push(log),
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  return {
    engine,
    async close() {
      engine.free();
      await Promise.allSettled(adapters.map((adapter) => adapter.dispose()));
    },
  };
}
