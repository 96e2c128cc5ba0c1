/**
 * The shape of a picture the page knows only by its address (the identity's current image,
 * which the host may have set from anywhere): its width over its height once the browser has
 * it, at once when it is in the browser's cache (the page's thumbnail of it is); null until
 * then, or for no address, or one that does not load.
 */
import { useLayoutEffect, useState } from "react";

export function usePictureRatio(url: string | null): number | null {
  const [known, setKnown] = useState<{ url: string; ratio: number } | null>(null);
  useLayoutEffect(() => {
    if (url === null || known?.url === url) return;
    const picture = new Image();
    const measure = () => {
      if (picture.naturalWidth > 0 && picture.naturalHeight > 0) {
        setKnown({ url, ratio: picture.naturalWidth / picture.naturalHeight });
      }
    };
    picture.onload = measure;
    picture.src = url;
    if (picture.complete) measure();
    return () => {
      picture.onload = null;
    };
  }, [url, known?.url]);
  return url !== null && known?.url === url ? known.ratio : null;
}
