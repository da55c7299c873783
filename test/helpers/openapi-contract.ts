/**
 * Contract checks of sandbox answers against Openapi's own spec of ws.firmadigitale.com
 * (`spec/upstream/firmadigitale.openapi.json`, vendored with its MIT licence, read at test time), with ajv.
 *
 * How the spec is read, and the few places where it contradicts its own examples (errata, each
 * relaxed as narrowly as possible, with the example that proves it):
 * - OpenAPI 3.0 `nullable: true` becomes a JSON-schema `null` type.
 * - The envelope's `error` is typed integer but every success example carries `"error": null`.
 * - `ResponseFirmeAruba.quantita` is typed boolean but its examples carry `"quantita": 1`.
 * - `Richieste.spedizione` is typed string but the list example's renewal carries `false`.
 * - `data` is a `oneOf` of Response* schemas that have no `additionalProperties: false`, so several
 *   branches match most objects and `oneOf` can never pass; the response's description says which
 *   schema applies to which `codice_prodotto`, and that branch is the one checked.
 * - Documented errors have only an example, no schema: the example's shape is the contract
 *   (`data: null`, `success: false`, string `message`, integer `error`).
 * - Statuses the spec does not list (401/403 auth, 503 injected faults, 4xx of body validation)
 *   are checked against that same error envelope.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/** The repository root (test/helpers/../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where the upstream's spec lives: vendored in the repository (spec/upstream, MIT licence). */
export const SPEC_PATH = path.resolve(REPO_ROOT, "spec/upstream/firmadigitale.openapi.json");

/** One HTTP answer to check, with the path as the upstream sees it (no `/sandbox` prefix). */
export interface ContractAnswer {
  method: string;
  path: string;
  status: number;
  contentType: string;
  /** Parsed JSON for JSON answers, the text for text/plain, bytes for binary. */
  body: unknown;
}

type Json = Record<string, unknown>;

interface Operation {
  responses: Record<string, { description?: string; content?: Record<string, { schema?: Json; example?: unknown }> }>;
}

const ERROR_ENVELOPE: Json = {
  type: "object",
  required: ["data", "success", "message", "error"],
  properties: {
    data: { type: "null" },
    success: { const: false },
    message: { type: "string" },
    error: { type: "integer" },
  },
};

/** The spec compiled for answers: checks one answer and lists what breaks the contract. */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly spec: Json;
  private readonly templates: { template: string; regex: RegExp; literalSegments: number }[];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(specPath: string = SPEC_PATH) {
    this.spec = JSON.parse(readFileSync(specPath, "utf8")) as Json;
    const schemas = structuredClone((this.spec.components as Json).schemas as Json);
    applyErrata(schemas);
    this.ajv = new Ajv({ strict: false, allErrors: true });
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
    addFormats(this.ajv);
    for (const f of ["double", "float", "int32", "int64", "binary"]) this.ajv.addFormat(f, true);
    this.ajv.addSchema(convert({ $id: "spec.json", components: { schemas } }) as Json);
    this.templates = Object.keys(this.spec.paths as Json).map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      literalSegments: template.split("/").filter((s) => s !== "" && !s.startsWith("{")).length,
    }));
  }

  /** Problems of one answer against the spec (empty when it complies). */
  check(answer: ContractAnswer): string[] {
    const where = `${answer.method} ${answer.path} → ${answer.status}`;
    const op = this.operation(answer.method, answer.path);
    if (op === null) return [`${where}: no such operation in the spec`];
    const documented = op.operation.responses[String(answer.status)];
    const mediaType = answer.contentType.split(";")[0]?.trim().toLowerCase() ?? "";
    if (documented === undefined) {
      // Not in the spec: it must at least be the upstream's error envelope.
      if (answer.status < 400) return [`${where}: success status not documented`];
      return this.validate(`error-envelope`, ERROR_ENVELOPE, answer.body, where, mediaType, "application/json");
    }
    const content = documented.content ?? {};
    const media = content[mediaType];
    if (media === undefined) {
      return [`${where}: content type ${mediaType} not documented (expected ${Object.keys(content).join(", ")})`];
    }
    if (mediaType === "application/pdf") {
      const bytes = answer.body as Uint8Array;
      const head = Buffer.from(bytes.subarray(0, 5)).toString("latin1");
      return head === "%PDF-" ? [] : [`${where}: body is not a PDF (starts ${JSON.stringify(head)})`];
    }
    if (mediaType === "text/plain") {
      return typeof answer.body === "string" && answer.body.length > 0 ? [] : [`${where}: expected a text body`];
    }
    if (media.schema === undefined) {
      return this.validate("error-envelope", ERROR_ENVELOPE, answer.body, where, mediaType, "application/json");
    }
    const schema = this.narrowData(media.schema, documented.description ?? "", answer.body);
    return this.validate(`${op.template}|${answer.method}|${answer.status}|${JSON.stringify(schema)}`, schema, answer.body, where, mediaType, "application/json");
  }

  /** Throws with every problem when the answer breaks the contract. */
  assert(answer: ContractAnswer): void {
    const problems = this.check(answer);
    if (problems.length > 0) throw new Error(`contract violation:\n${problems.join("\n")}\nbody: ${preview(answer.body)}`);
  }

  private operation(method: string, p: string): { template: string; operation: Operation } | null {
    const paths = this.spec.paths as Record<string, Record<string, Operation>>;
    // Several templates can match (/richiesta/{id} vs /richiesta/{codice_prodotto}); the method and
    // then the most literal template decide.
    const candidates = this.templates
      .filter((t) => t.regex.test(p) && paths[t.template]?.[method.toLowerCase()] !== undefined)
      .sort((a, b) => b.literalSegments - a.literalSegments);
    const best = candidates[0];
    if (best === undefined) return null;
    return { template: best.template, operation: paths[best.template]?.[method.toLowerCase()] as Operation };
  }

  /** Replaces `data: {oneOf}` by the branch the description assigns to the answer's product code. */
  private narrowData(schema: Json, description: string, body: unknown): Json {
    const props = schema.properties as Json | undefined;
    const data = props?.data as Json | undefined;
    if (data === undefined) return schema;
    // The envelope as every success example shows it: all four keys, `error: null`.
    const patched = {
      ...schema,
      required: ["data", "success", "message", "error"],
      properties: { ...props, success: { const: true }, error: { type: ["integer", "null"] } },
    };
    if (!Array.isArray(data.oneOf)) return patched;
    const code = (body as { data?: { codice_prodotto?: unknown } } | null)?.data?.codice_prodotto;
    const name = typeof code === "string" ? this.schemaFor(code, description) : null;
    if (name === null) return patched;
    return { ...patched, properties: { ...patched.properties, data: { $ref: `#/components/schemas/${name}` } } };
  }

  private schemaFor(code: string, description: string): string | null {
    const schemas = (this.spec.components as Json).schemas as Json;
    for (const line of description.split("\n")) {
      const m = /^\s*-\s*(Response\w+):\s*(.+)$/.exec(line);
      if (m === null) continue;
      const codes = (m[2] as string).split(/\s+or\s+/).map((c) => c.trim());
      if (!codes.includes(code)) continue;
      const named = m[1] as string;
      if (schemas[named] !== undefined) return named;
      // The description says ResponseRinnovi, the schema is ResponseRinnovo.
      const stem = named.slice(0, -1);
      return Object.keys(schemas).find((k) => k.startsWith(stem)) ?? null;
    }
    return null;
  }

  private validate(key: string, schema: Json, body: unknown, where: string, mediaType: string, expected: string): string[] {
    if (mediaType !== expected) return [`${where}: content type ${mediaType}, expected ${expected}`];
    let fn = this.cache.get(key);
    if (fn === undefined) {
      fn = this.ajv.compile(convert(schema) as Json);
      this.cache.set(key, fn);
    }
    if (fn(body)) return [];
    return (fn.errors ?? []).map((e) => `${where}: ${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);
  }
}

function applyErrata(schemas: Json): void {
  const aruba = (schemas.ResponseFirmeAruba as Json).properties as Json;
  aruba.quantita = { type: "integer" };
  const richieste = (schemas.Richieste as Json).properties as Json;
  richieste.spedizione = { type: ["string", "boolean"] };
}

/** OpenAPI 3.0 → JSON schema: `nullable` becomes a null type; refs point into the added spec. */
function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === "example" || k === "examples" || k === "nullable") continue;
    out[k] = convert(v);
  }
  if ((node as Json).nullable === true) {
    const type = out.type;
    if (typeof type === "string") out.type = [type, "null"];
    else if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  }
  if (typeof out.$ref === "string") out.$ref = (out.$ref as string).replace(/^#\//, "spec.json#/");
  return out;
}

function preview(body: unknown): string {
  if (body instanceof Uint8Array) return `<${body.length} bytes>`;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return text.length > 1500 ? `${text.slice(0, 1500)}…` : text;
}

let shared: OpenApiContract | null = null;

/** The contract of the spec next to the repository, compiled once per test file. */
export function upstreamContract(): OpenApiContract {
  shared ??= new OpenApiContract();
  return shared;
}
