import { parse as parseQueryString } from 'node:querystring';
import { Ajv, type AnySchema, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyServerOptions } from 'fastify';

const FORM_BODY = Symbol('antara.formBody');

const BASE: Options = {
  useDefaults: true,
  removeAdditional: false,
  addUsedSchema: false,
  // allErrors would let one request make the validator walk every failure (a DoS lever).
  allErrors: false,
};

type BuildValidator = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;

function ajvWith(coerceTypes: Options['coerceTypes'], externalSchemas: Parameters<BuildValidator>[0]): Ajv {
  const ajv = new Ajv({ ...BASE, coerceTypes });
  addFormats.default(ajv);
  for (const schema of Object.values(externalSchemas)) ajv.addSchema(schema);
  return ajv;
}

function compile(ajv: Ajv, schema: AnySchema): ValidateFunction {
  const id = typeof schema === 'object' ? (schema as { $id?: string }).$id : undefined;
  return (id && ajv.getSchema(id)) || ajv.compile(schema);
}

/** The form-urlencoded body parser; marks what it returns so that validation may coerce it. */
export function parseForm(body: string): Record<string, unknown> {
  const parsed: Record<string, unknown> = { ...parseQueryString(body) };
  Object.defineProperty(parsed, FORM_BODY, { value: true });
  return parsed;
}

/**
 * Builds the validator of every route (Fastify `schemaController.compilersFactory.buildValidator`).
 *
 * Why two validators: a JSON body carries its own types, so `{"code": 123456}` or
 * `{"email": ["a@b.c"]}` is the wrong type and is refused, never quietly coerced. Query
 * strings, path parameters, headers and form bodies carry only strings, so there "5" must
 * still become 5 and a single value may stand for a one-item array.
 */
export const buildValidator: BuildValidator = (externalSchemas) => {
  const strict = ajvWith(false, externalSchemas);
  const coercing = ajvWith('array', externalSchemas);
  return ({ schema, httpPart }) => {
    if (httpPart !== 'body') return compile(coercing, schema);
    const asJson = compile(strict, schema);
    const asForm = compile(coercing, schema);
    const validate = (data: unknown) => {
      const chosen = data && typeof data === 'object' && FORM_BODY in data ? asForm : asJson;
      const valid = chosen(data);
      validate.errors = chosen.errors;
      return valid;
    };
    validate.errors = null as ValidateFunction['errors'];
    // Fastify only calls the function and reads `errors`; Ajv's other fields are not used.
    return validate as unknown as ValidateFunction;
  };
};
