import { render } from "@testing-library/react";

import { Images, type ImagesProps } from "../pages/images/Images";
import { API } from "./api";

export function renderImages(props: Partial<ImagesProps> = {}) {
  return render(<Images apiBaseUrl={`${API}/v1`} getToken={() => "test-token"} {...props} />);
}

/** The first bytes of each image type (what the page checks before an upload). */
const SIGNATURES: [RegExp, number[]][] = [
  [/\.jpe?g$/i, [0xff, 0xd8, 0xff, 0xe0]],
  [/\.png$/i, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  [/\.webp$/i, [...ascii("RIFF"), 0, 0, 0, 0, ...ascii("WEBP")]],
  [/\.hei[cf]$/i, [0, 0, 0, 24, ...ascii("ftypheic")]],
];

function ascii(text: string): number[] {
  return Array.from(text, (c) => c.charCodeAt(0));
}

/** A file of `bytes` bytes that starts as its extension says (or `contents` when given). */
export function file(name: string, type: string, bytes = 1000, contents?: number[]): File {
  const data = new Uint8Array(bytes);
  data.set((contents ?? SIGNATURES.find(([pattern]) => pattern.test(name))?.[1] ?? []).slice(0, bytes));
  return new File([data], name, { type });
}
