// @ts-check
// local/layering: a file's top-level folder says where it runs, and so what it may import (DESIGN.md §3).
// Modelled on VS Code's local/code-layering. Every import form is checked: import and export-from
// declarations, `import x = require()`, dynamic import() and require() with a literal specifier, and
// `typeof import('x')` types. Relative specifiers are resolved against the importing file to find the
// folder they land in; bare specifiers are checked against Node's built-in modules and 'electron'.
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file sits in <root>/eslint-rules/. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @typedef {object} Layer
 * @property {string} runs     where the code runs, for messages
 * @property {readonly string[]} folders  repo folders it may import from (its own is always allowed)
 * @property {boolean} node    may it load Node built-ins at run time?
 * @property {boolean} rootFiles  may it import files at the repository root (package.json)? (tests always may)
 * @property {boolean} strictTypes  are type-only imports held to the same rules (core's types must stand alone)?
 */

/** @type {Record<string, Layer>} */
const layers = {
  core: {
    runs: 'core runs anywhere: no Node or DOM APIs',
    folders: [],
    node: false,
    rootFiles: false,
    strictTypes: true,
  },
  p2p: { runs: 'p2p runs in Node', folders: ['core'], node: true, rootFiles: true, strictTypes: false },
  chain: { runs: 'chain runs in Node', folders: ['core'], node: true, rootFiles: true, strictTypes: false },
  app: {
    runs: 'app runs in the browser or a sandboxed renderer: no Node APIs; ask the host over the bridge',
    folders: ['core'],
    node: false,
    rootFiles: false,
    strictTypes: false,
  },
  'electron-main': {
    runs: 'electron-main runs in Node or Electron main',
    folders: ['core', 'p2p', 'chain'],
    node: true,
    rootFiles: true,
    strictTypes: false,
  },
};

/** The only folder whose code runs inside Electron and so may load 'electron' itself. */
const electronShell = 'electron-main/electron/';

/** What core's tests may take from Node: the test runner and assertions, nothing with side effects. */
const coreTestBuiltins = new Set(['node:test', 'node:assert', 'node:assert/strict']);

/**
 * @param {string} specifier
 * @returns {boolean}
 */
function isElectron(specifier) {
  return specifier === 'electron' || specifier.startsWith('electron/');
}

/**
 * The node's literal string value, or null when it is not a constant string.
 * @param {any} node
 * @returns {string | null}
 */
function literalString(node) {
  if (!node) return null;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Enforce which top-level folders and which run-time modules each folder may import (DESIGN.md §3)',
    },
    schema: [],
    messages: {
      folder: "{{layer}}/ may not import from {{target}}/ ('{{specifier}}'); {{layer}}/ may import {{allowed}}",
      node: "{{layer}}/ may not import '{{specifier}}' ({{runs}})",
      rootFile: "{{layer}}/ may not import '{{specifier}}' (a file at the repository root); {{layer}}/ may import {{allowed}}",
      coreTest: "core/ tests may take only node:test and node:assert from Node, not '{{specifier}}' (core's tests run anywhere core does)",
      electron:
        "only electron-main/electron/ may import '{{specifier}}' at run time (Electron's binary exists only in the desktop shell); use `import type` for its types",
    },
  },

  create(context) {
    const relative = path.relative(repoRoot, context.filename).split(path.sep).join('/');
    if (relative === '' || relative.startsWith('../') || path.isAbsolute(relative)) return {};

    // A build tool's config at the top of a folder (app/vite.config.ts) runs in Node at build time, not in the layer.
    if (/^[^/]+\/(vite|vitest|hardhat|playwright|postcss)\.config\.[cm]?[jt]s$/.test(relative)) return {};

    const slash = relative.indexOf('/');
    const layerName = slash === -1 ? '' : relative.slice(0, slash);
    const layer = Object.hasOwn(layers, layerName) ? layers[layerName] : undefined;
    const inElectronShell = relative.startsWith(electronShell);
    const isTest = /\.test\.[cm]?[jt]sx?$/.test(relative);
    const fileDir = path.dirname(context.filename);

    /**
     * @param {any} node  the AST node to report on (the specifier)
     * @param {string} specifier
     * @param {boolean} typeOnly  the import vanishes at run time
     */
    function check(node, specifier, typeOnly) {
      if (isElectron(specifier)) {
        if (!inElectronShell && !typeOnly) context.report({ node, messageId: 'electron', data: { specifier } });
        if (layer?.strictTypes && typeOnly) {
          context.report({ node, messageId: 'node', data: { layer: layerName, specifier, runs: layer.runs } });
        }
        return;
      }
      // Beyond 'electron' (above), test/, bench/, scripts/ and files at the root may import anything.
      if (!layer) return;

      if (isBuiltin(specifier)) {
        if (layer.node || (typeOnly && !layer.strictTypes)) return;
        const normalized = specifier.startsWith('node:') ? specifier : `node:${specifier}`;
        if (layerName === 'core' && isTest) {
          if (!coreTestBuiltins.has(normalized)) context.report({ node, messageId: 'coreTest', data: { specifier } });
          return;
        }
        context.report({ node, messageId: 'node', data: { layer: layerName, specifier, runs: layer.runs } });
        return;
      }

      // Folder layering binds type-only imports too: it is about which way dependencies point.
      if (!specifier.startsWith('.') && !specifier.startsWith('/')) return; // a library
      const target = path.relative(repoRoot, path.resolve(fileDir, specifier)).split(path.sep).join('/');
      if (target.startsWith('../') || path.isAbsolute(target)) return; // outside the repository
      // '../core' names the folder itself; '../package.json' a file at the root.
      const targetSlash = path.extname(target) === '' && !target.includes('/') ? target.length : target.indexOf('/');
      if (targetSlash === -1) {
        // Root files (package.json): Node-side code may read them, and so may tests (core's checks its version against it).
        if (layer.rootFiles || isTest || target === '') return;
        report(node, specifier, '', 'rootFile');
        return;
      }
      const targetFolder = target.slice(0, targetSlash);
      if (targetFolder === layerName || layer.folders.includes(targetFolder)) return;
      report(node, specifier, targetFolder);
    }

    /**
     * @param {any} node
     * @param {string} specifier
     * @param {string} target
     * @param {'folder' | 'rootFile'} [messageId]
     */
    function report(node, specifier, target, messageId = 'folder') {
      const allowed = layer?.folders.length
        ? `only ${[...layer.folders.map((f) => `${f}/`), 'libraries'].join(', ')}`
        : 'only libraries';
      context.report({ node, messageId, data: { layer: layerName, target, specifier, allowed } });
    }

    /**
     * @param {any} source
     * @param {boolean} typeOnly
     */
    function checkSource(source, typeOnly) {
      const specifier = literalString(source);
      if (specifier !== null) check(source, specifier, typeOnly);
    }

    return {
      // `import type {…}` vanishes; `import { type A }` does not (it leaves `import {} from '…'` behind).
      ImportDeclaration(node) {
        checkSource(node.source, /** @type {any} */ (node).importKind === 'type');
      },
      ExportNamedDeclaration(node) {
        if (node.source) checkSource(node.source, /** @type {any} */ (node).exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        checkSource(node.source, /** @type {any} */ (node).exportKind === 'type');
      },
      ImportExpression(node) {
        checkSource(node.source, false);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length > 0) {
          checkSource(node.arguments[0], false);
        }
      },
      // TypeScript-only forms, present when the file is parsed by typescript-eslint.
      /** @param {any} node */
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference?.type === 'TSExternalModuleReference') {
          checkSource(node.moduleReference.expression, node.importKind === 'type');
        }
      },
      /** @param {any} node */
      TSImportType(node) {
        // typescript-eslint 8: `argument` is a TSLiteralType wrapping the string literal.
        const argument = node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument;
        checkSource(argument, true);
      },
    };
  },
};

export default rule;

/** The globals core/ may not touch outside its tests: Node's and the DOM's (for no-restricted-globals). */
export const coreRestrictedGlobals = [
  'process',
  'Buffer',
  'require',
  '__dirname',
  '__filename',
  'global',
  'window',
  'document',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'navigator',
  'setImmediate',
].map((name) => ({
  name,
  message: `core/ runs anywhere: no Node or DOM globals like '${name}'. Take what you need as a parameter, or move the code to p2p/, electron-main/ or app/.`,
}));
