/**
 * Loads socket.io-client (its UMD build, served next to widget.js) without disturbing the page:
 * a window.io of the page's own is given back, and an AMD loader on the page is kept from
 * taking the client for itself.
 */

/** Resolves with socket.io's `io`, or rejects when the script does not load. */
export function loadSocketIo({ window, document, src, nonce }) {
  return new Promise((resolve, reject) => {
    const hadIo = Object.prototype.hasOwnProperty.call(window, "io");
    const pageIo = window.io;
    // The UMD build registers with an AMD loader instead of setting window.io when one is present.
    const amd = typeof window.define === "function" ? window.define.amd : undefined;
    if (amd) window.define.amd = undefined;
    const script = document.createElement("script");
    const done = (ok) => {
      if (amd) window.define.amd = amd;
      const io = window.io;
      if (hadIo) window.io = pageIo;
      else delete window.io;
      if (ok && typeof io === "function") {
        resolve(io);
      } else {
        script.remove();
        reject(new Error("BSOL assistant: the socket.io client did not load"));
      }
    };
    script.src = src;
    if (nonce) script.setAttribute("nonce", nonce);
    script.async = true;
    script.onload = () => done(true);
    script.onerror = () => done(false);
    document.head.append(script);
  });
}
