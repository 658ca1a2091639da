// Runs Backstage's own code for test/e2e/backstage.test.mjs, under Node 22 (backstage-tools.mjs),
// with the packages from the tools folder; prints one line `RESULT <json>`.
//   run <modules> <json {workspace, input}>   the scaffolder's run:yeoman action, with
//                                             Backstage's mock action context (cwd: the backend
//                                             folder whose node_modules holds the generator)
//   validate <modules> <json {files, values}> every YAML document of each file through the
//                                             catalog's entity policies and kind validators
//                                             (Template: the scaffolder's), the relations'
//                                             entity references parsed as the catalog does, and
//                                             the values through each form page's JSON Schema
//   form <modules> <json {file, values}>     the fields each page of the template's form
//                                             shows for these values (react-jsonschema-form's
//                                             retrieveSchema resolving if/then)
//   refs <modules> <json [string]>            each string as an entity reference: parsed, and
//                                             each part held to the catalog's validators
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const [mode, modules, arg] = process.argv.slice(2);
const require = createRequire(path.join(/** @type {string} */ (modules), '..', 'package.json'));
const input = JSON.parse(/** @type {string} */ (arg));
const model = require('@backstage/catalog-model');

/** @param {unknown} result */
const done = (result) => console.log(`RESULT ${JSON.stringify(result)}`);

/** The catalog's verdict on one reference string: undefined when accepted, else why not. @param {string} ref */
function refVerdict(ref, defaultKind = 'Group') {
  const v = model.makeValidator();
  try {
    const { kind, namespace, name } = model.parseEntityRef(ref, { defaultKind, defaultNamespace: 'default' });
    if (!v.isValidKind(kind)) return `kind ${kind}`;
    if (!v.isValidNamespace(namespace)) return `namespace ${namespace}`;
    if (!v.isValidEntityName(name)) return `name ${name}`;
    return undefined;
  } catch (error) {
    return /** @type {Error} */ (error).message;
  }
}

if (mode === 'run') {
  // The mock context calls jest.fn(): jest's own mock functions (jest-mock), as under jest.
  const { ModuleMocker } = require('jest-mock');
  const mocker = new ModuleMocker(globalThis);
  Object.assign(globalThis, {
    jest: { fn: (/** @type {any} */ impl) => mocker.fn(impl), spyOn: mocker.spyOn.bind(mocker) },
  });
  const { createRunYeomanAction } = require('@backstage/plugin-scaffolder-backend-module-yeoman');
  const { createMockActionContext } = require('@backstage/plugin-scaffolder-node-test-utils');
  const action = createRunYeomanAction();
  const ctx = createMockActionContext({ input: input.input, workspacePath: input.workspace });
  await action.handler(ctx);
  done({ id: action.id, node: process.version });
} else if (mode === 'validate') {
  const YAML = require('yaml');
  const { templateEntityV1beta3Validator } = require('@backstage/plugin-scaffolder-common');
  const { Validator } = require('jsonschema');
  // The catalog backend's default policy, then the kind validators of its processors.
  const policy = model.EntityPolicies.allOf([
    new model.DefaultNamespaceEntityPolicy(),
    new model.SchemaValidEntityPolicy(),
    new model.NoForeignRootFieldsEntityPolicy(),
    new model.FieldFormatEntityPolicy(model.makeValidator()),
  ]);
  const kinds = [
    model.componentEntityV1alpha1Validator,
    model.apiEntityV1alpha1Validator,
    templateEntityV1beta3Validator,
  ];
  const results = [];
  for (const file of input.files) {
    for (const doc of YAML.parseAllDocuments(readFileSync(file, 'utf8'))) {
      const entity = doc.toJS();
      const errors = doc.errors.map((/** @type {Error} */ e) => e.message);
      // The catalog resolves `$text` placeholders (its PlaceholderProcessor) before validating:
      // the named file, relative to the entity's own file, as text.
      const definition = entity?.spec?.definition;
      if (definition && typeof definition === 'object' && typeof definition.$text === 'string') {
        try {
          entity.spec.definition = readFileSync(path.resolve(path.dirname(file), definition.$text), 'utf8');
        } catch (error) {
          errors.push(`$text ${definition.$text}: ${/** @type {Error} */ (error).message}`);
        }
      }
      try {
        const enforced = await policy.enforce(entity);
        let known = false;
        for (const validator of kinds) if (await validator.check(enforced)) known = true;
        if (!known) errors.push(`no validator for kind ${entity.kind}`);
      } catch (error) {
        errors.push(/** @type {Error} */ (error).message);
      }
      const spec = entity?.spec ?? {};
      if (entity?.kind !== 'Template') {
        const refs = [
          [spec.owner, 'Group'],
          ...(spec.system ? [[spec.system, 'System']] : []),
          ...(spec.providesApis ?? []).map((/** @type {string} */ r) => [r, 'API']),
        ];
        for (const [ref, kind] of refs) {
          const why = refVerdict(ref, kind);
          if (why) errors.push(`reference ${JSON.stringify(ref)}: ${why}`);
        }
      } else if (input.values) {
        for (const page of spec.parameters ?? []) {
          const r = new Validator().validate(input.values, page);
          errors.push(
            ...r.errors.map((/** @type {{ stack: string }} */ e) => `parameters (${page.title}): ${e.stack}`),
          );
        }
      }
      results.push({ file: path.basename(file), kind: entity?.kind, name: entity?.metadata?.name, errors });
    }
  }
  done(results);
} else if (mode === 'form') {
  // What Backstage's form shows: each page of the template through react-jsonschema-form's
  // retrieveSchema (the version @backstage/plugin-scaffolder-react uses), which resolves
  // if/then against the values typed so far; its `ui:` keys left out, as the scaffolder does.
  const YAML = require('yaml');
  const { retrieveSchema } = require('@rjsf/utils');
  const validator = require('@rjsf/validator-ajv8').default;
  /** @param {unknown} v @returns {unknown} */
  const schemaOnly = (v) =>
    Array.isArray(v)
      ? v.map(schemaOnly)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([k]) => !k.startsWith('ui:'))
              .map(([k, x]) => [k, schemaOnly(x)]),
          )
        : v;
  const template = YAML.parse(readFileSync(input.file, 'utf8'));
  done(
    template.spec.parameters.map((/** @type {unknown} */ page) => {
      const schema = /** @type {any} */ (schemaOnly(page));
      return Object.keys(retrieveSchema(validator, schema, schema, input.values).properties ?? {});
    }),
  );
} else if (mode === 'refs') {
  done(input.map((/** @type {string} */ ref) => refVerdict(ref) === undefined));
} else {
  throw new Error(`backstage-probe: unknown mode ${mode}`);
}
