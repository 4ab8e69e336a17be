/**
 * Where the message list scrolls when a reply arrives, from the positions of the messages (in
 * pixels from the top of the list): no DOM, so it can be tested on its own.
 */

/** How close to the end (px) still counts as reading the newest messages. */
export const NEAR_END_PX = 48;
const GAP_PX = 8; // room left above or below a message scrolled to

/**
 * The scroll position that shows the newest reply and as much as fits of the replies since the
 * resident's last message, starting at `anchorTop` (the first of them).
 *
 * The newest reply is always in view: whole, with the earlier replies above it when they fit,
 * or from its start when it is taller than the view. The browser clamps the result to the end.
 */
export function replyScrollTop({ anchorTop, newestTop, newestBottom, viewHeight }) {
  const newestStart = newestTop - GAP_PX; // the newest reply's start at the top of the view
  const newestEnd = newestBottom + GAP_PX - viewHeight; // its end at the bottom of the view
  if (newestEnd >= newestStart) return Math.max(0, newestStart);
  return Math.max(0, Math.min(Math.max(anchorTop - GAP_PX, newestEnd), newestStart));
}

/** Whether a list scrolled to `scrollTop` shows its end. */
export function atEnd({ scrollTop, scrollHeight, clientHeight }) {
  return scrollHeight - scrollTop - clientHeight <= NEAR_END_PX;
}
