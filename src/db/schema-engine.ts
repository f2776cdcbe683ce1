import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from '@prisma/driver-adapter-utils';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import type * as SchemaEngineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';

type Bindings = typeof SchemaEngineBindings;

let bindings: Bindings | undefined;

/** The slice of the WebAssembly global we use (@types/node does not declare it; lib.dom does). */
const WebAssemblyApi = (
  globalThis as unknown as {
    WebAssembly: {
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: Record<string, object>) => { exports: Record<string, unknown> };
    };
  }
).WebAssembly;

/**
 * Prisma's schema engine (the code behind `prisma migrate deploy`) as WebAssembly.
 *
 * Why not the Prisma CLI: it insists on downloading a native engine binary at run time,
 * which fails offline and in locked-down containers. The wasm build ships on npm and
 * writes the same `_prisma_migrations` table, so `prisma migrate status` agrees with us.
 * The package's own entry uses `import * as wasm from "./x.wasm"`, which Node cannot load,
 * so we instantiate the module ourselves, as wasm-bindgen's generated entry would.
 */
/**
 * The engine arms 10 s timers (its lock timeouts) and never clears them once the work is done,
 * which kept a finished `migrate` run alive for 10 s. Unref'd, they still fire if the process
 * is alive for other reasons but no longer hold it open.
 */
function withUnrefTimers(bg: object): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bg };
  for (const [name, value] of Object.entries(imports)) {
    if (!name.startsWith('__wbg_setTimeout_') || typeof value !== 'function') continue;
    imports[name] = (...args: unknown[]) => {
      const timer = (value as (...a: unknown[]) => unknown)(...args);
      (timer as { unref?: () => void } | undefined)?.unref?.();
      return timer;
    };
  }
  return imports;
}

function loadBindings(): Bindings {
  if (bindings) return bindings;
  const packageDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bg = require('@prisma/schema-engine-wasm/schema_engine_bg') as Bindings & {
    __wbg_set_wasm(exports: unknown): void;
  };
  const wasmModule = new WebAssemblyApi.Module(readFileSync(path.join(packageDir, 'schema_engine_bg.wasm')));
  const instance = new WebAssemblyApi.Instance(wasmModule, { './schema_engine_bg.js': withUnrefTimers(bg) });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  bindings = bg;
  return bg;
}

const PG_INTERNAL_CHAR_OID = 18;
const PG_TEXT_OID = 25;
/** Result rows of queries that returned `"char"` columns, with those columns' positions. */
const charColumnsOfRows = new WeakMap<object, number[]>();

/**
 * adapter-pg 7.10 has no mapping for PostgreSQL's internal `"char"` type (OID 18), which the
 * schema engine's introspection queries return (pg_class.relkind, pg_constraint.contype...),
 * so every diff that introspects fails with "Column type 'char' could not be deserialized".
 * node-postgres already returns those values as one-character strings: this client labels the
 * columns as text for the adapter and remembers them, and `withCharColumns` tells the engine
 * they are characters.
 */
function labelCharColumns(queryResult: pg.QueryResult | undefined): void {
  const charColumns: number[] = [];
  (queryResult?.fields ?? []).forEach((field, index) => {
    if (field.dataTypeID !== PG_INTERNAL_CHAR_OID) return;
    field.dataTypeID = PG_TEXT_OID;
    charColumns.push(index);
  });
  if (queryResult && charColumns.length > 0) charColumnsOfRows.set(queryResult.rows, charColumns);
}

class CharColumnClient extends pg.Client {
  // pg-pool calls query with a callback; direct callers get a promise. Handle both forms.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === 'function') {
      args[args.length - 1] = (error: Error | null, queryResult: pg.QueryResult) => {
        if (!error) labelCharColumns(queryResult);
        last(error, queryResult);
      };
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as (...a: any[]) => any)(...args);
    if (!result || typeof result.then !== 'function') return result;
    return result.then((queryResult: pg.QueryResult) => {
      labelCharColumns(queryResult);
      return queryResult;
    });
  }
}

function withCharColumns<T extends Pick<SqlDriverAdapter, 'queryRaw'>>(queryable: T): T {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumnsOfRows.get(result.rows) ?? [])
      result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

async function connectAdapter(connectionString: string, pools: pg.Pool[]): Promise<SqlDriverAdapter> {
  const pool = new pg.Pool({ connectionString, max: 2, Client: CharColumnClient });
  pool.on('error', () => undefined);
  pools.push(pool);
  const adapter = withCharColumns(await new PrismaPg(pool).connect());
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) =>
    withCharColumns(await startTransaction(isolationLevel));
  return adapter;
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
  const pools: pg.Pool[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async connect() {
      const adapter = await connectAdapter(databaseUrl, pools);
      adapters.push(adapter);
      return adapter;
    },
    async connectToShadowDb() {
      if (!options.shadowDatabaseUrl) {
        throw new Error('This operation needs a shadow database and none was provided');
      }
      const adapter = await connectAdapter(options.shadowDatabaseUrl, pools);
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
      await Promise.allSettled(pools.map((pool) => pool.end()));
    },
  };
}
