import { onlineManager } from "@tanstack/react-query";
import { useEffect, useState, type ImgHTMLAttributes } from "react";

import ui from "../ui.module.css";

/**
 * A result's picture: an `<img>` with the props given. One that did not load (the connection
 * dropped as it came, the browser offline) says so in its box, "Not loaded", not a bare dark
 * box with its name dark on dark, and is asked for again once the browser is back online (or
 * as soon as its URL is renewed). Its name stays its name; a picture whose name is empty (one
 * beside words that name it) stays hidden from a screen reader.
 */
export function ResultPicture({ alt, ...props }: ImgHTMLAttributes<HTMLImageElement> & { alt: string }) {
  // The URLs that did not load: renewed ones are tried at once.
  const source = `${props.src ?? ""} ${props.srcSet ?? ""}`;
  const [failedSource, setFailedSource] = useState<string | null>(null);
  const failed = failedSource === source;
  useEffect(() => (failed ? onlineManager.subscribe((online) => online && setFailedSource(null)) : undefined), [failed]);
  if (failed) {
    const named = alt ? { role: "img", "aria-label": alt } : { "aria-hidden": true };
    return (
      <span className={`${props.className ?? ""} ${ui.notLoaded}`} title="The picture did not load: it is asked for again once the connection is back." {...named}>
        Not loaded
      </span>
    );
  }
  return <img {...props} alt={alt} onError={() => setFailedSource(source)} />;
}
