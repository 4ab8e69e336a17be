/**
 * A partner's colour (data-colour) for the widget: text on it is black or white, whichever
 * contrasts more, and it is used as text on light surfaces only where it reaches 4.5:1.
 */

const LIGHT_SURFACE = [240, 244, 245]; // --bsol-bot, #f0f4f5
const DARK_TEXT = "#212b32";

/** The relative luminance (WCAG) of an [r, g, b] colour (0-255). */
export function luminance(rgb) {
  const [r, g, b] = [rgb[0], rgb[1], rgb[2]].map((value) => {
    const v = value / 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two luminances. */
export function contrast(a, b) {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** The custom properties for `colour`, whose [r, g, b] is `rgb`. */
export function colourTheme(colour, rgb) {
  const l = luminance(rgb);
  return {
    "--bsol-primary": colour,
    "--bsol-on-primary": contrast(l, 1) >= contrast(l, 0) ? "#fff" : "#000",
    "--bsol-accent": contrast(l, luminance(LIGHT_SURFACE)) >= 4.5 ? colour : DARK_TEXT,
  };
}
