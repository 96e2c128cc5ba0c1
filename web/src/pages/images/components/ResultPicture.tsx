import { onlineManager } from "@tanstack/react-query";
import { useEffect, useState, type ImgHTMLAttributes } from "react";

import ui from "../ui.module.css";

/** A picture that did not load while the browser is online is asked for again this many times,
 * the first after `PICTURE_RETRY_MS`, each wait twice the last: a passing fault (a dropped connection,
 * a busy store) is over by then, and one that is not waits for its URL's renewal. */
export const PICTURE_RETRIES = 3;
export const PICTURE_RETRY_MS = 2_000;

/** How often the picture of `source` did not load, and whether it waits to be asked again. */
interface Miss {
  source: string;
  count: number;
  waiting: boolean;
}

/**
 * A result's picture: an `<img>` with the props given. One that did not load (the connection
 * dropped as it came, the browser offline) says so in its box, "Not loaded", not a bare dark
 * box with its name dark on dark, and is asked for again: in a moment while the browser is
 * online (`PICTURE_RETRIES` times), once it is back online, or as soon as its URL is renewed.
 * Its name stays its name; a picture whose name is empty (one beside words that name it) stays
 * hidden from a screen reader.
 */
export function ResultPicture({ alt, ...props }: ImgHTMLAttributes<HTMLImageElement> & { alt: string }) {
  // A renewed URL is another source: tried at once.
  const source = `${props.src ?? ""} ${props.srcSet ?? ""}`;
  const [miss, setMiss] = useState<Miss | null>(null);
  const missed = miss?.source === source ? miss : null;
  const waiting = missed?.waiting === true;
  const count = missed?.count ?? 0;
  useEffect(() => {
    if (!waiting) return undefined;
    const askAgain = () => setMiss((last) => last && { ...last, waiting: false });
    const unsubscribe = onlineManager.subscribe((online) => online && askAgain());
    const timer = onlineManager.isOnline() && count <= PICTURE_RETRIES ? setTimeout(askAgain, PICTURE_RETRY_MS * 2 ** (count - 1)) : undefined;
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [waiting, count]);
  if (waiting) {
    const named = alt ? { role: "img", "aria-label": alt } : { "aria-hidden": true };
    return (
      <span className={`${props.className ?? ""} ${ui.notLoaded}`} title={`The picture did not load: it is asked for again ${whenAgain(count)}.`} {...named}>
        Not loaded
      </span>
    );
  }
  const onError = () => setMiss((last) => ({ source, count: (last?.source === source ? last.count : 0) + 1, waiting: true }));
  return <img {...props} alt={alt} onError={onError} />;
}

/** When a picture that did not load `count` times is asked for again (see `ResultPicture`). */
function whenAgain(count: number): string {
  if (!onlineManager.isOnline()) return "once the connection is back";
  return count <= PICTURE_RETRIES ? "in a moment" : "as its link is renewed";
}
