/**
 * Birmingham and Solihull ICS assistant: the embeddable chat widget. Partners embed it with one tag:
 *   <script src="https://assistant.example/widget/widget.js" data-server="https://assistant.example" defer></script>
 *
 * build.mjs bundles this file and its modules into static/widget.js, inside a function whose
 * parameter BSOL_SETTINGS the server fills with the widget's settings (languages, texts, limits).
 */

/* global BSOL_SETTINGS */
import { startWidget } from "./main.js";

startWidget(BSOL_SETTINGS, document.currentScript, window); // currentScript is null once this run ends
