/**
 * Builds static/widget.js, the one file partners embed, from src/ with esbuild: one IIFE, no
 * globals of its own. `make widget` runs it (and `make run` and `make test` before they start).
 *
 * The server writes the settings into the built file in place of SETTINGS_PLACEHOLDER
 * (assistant/widget/channel.py), which must appear exactly once. esbuild drops comments, so the
 * placeholder goes in the footer: the bundle is wrapped in a function whose parameter,
 * BSOL_SETTINGS, src/index.js reads.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const SETTINGS_PLACEHOLDER = "/*@settings*/null";

await build({
  entryPoints: [here("src/index.js")],
  outfile: here("static/widget.js"),
  bundle: true,
  format: "iife",
  target: "es2018",
  minify: true,
  legalComments: "none",
  banner: {
    js: "/* Birmingham and Solihull ICS assistant: the chat widget, built from assistant/widget/src. */\n"
      + "(function (BSOL_SETTINGS) {",
  },
  footer: { js: `})(${SETTINGS_PLACEHOLDER});` },
  logLevel: "warning",
});
