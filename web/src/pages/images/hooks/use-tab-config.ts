import { useQuery } from "@tanstack/react-query";

import type { TabConfig } from "../config";
import type { ApiConfig } from "../../../api/imageGeneration";
import { keys, useApi } from "./use-image-generation";

/** The API's defaults, for tests and examples; the page reads GET /v1/config. */
export const EXAMPLE_CONFIG: TabConfig = {
  maxFiles: 5,
  maxBytes: 15 * 1024 * 1024,
  accept: {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
    "image/heic": [".heic"],
    "image/heif": [".heif"],
  },
  promptMaxChars: 2000,
  aspectRatios: ["1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"],
  imageSizes: ["1K", "2K", "4K"],
  defaultAspectRatio: "16:9",
  defaultImageSize: "4K",
  model: "gemini-3-pro-image",
  maxVariants: 4,
  priceUsdPerImage: { "1K": 0.134, "2K": 0.134, "4K": 0.24 },
  priceUsdPerInputImage: 0.0011,
};

export function toTabConfig(api: ApiConfig): TabConfig {
  return {
    maxFiles: api.max_reference_files,
    maxBytes: api.reference_max_bytes,
    accept: Object.fromEntries(api.accepted_types.map((t) => [t.mime_type, t.extensions])),
    promptMaxChars: api.prompt_max_chars,
    aspectRatios: api.aspect_ratios,
    imageSizes: api.image_sizes,
    defaultAspectRatio: api.default_aspect_ratio,
    defaultImageSize: api.default_image_size,
    model: api.model,
    maxVariants: api.max_variants,
    priceUsdPerImage: Object.fromEntries(api.prices.map((p) => [p.image_size, p.estimated_usd])),
    priceUsdPerInputImage: api.input_image_usd,
  };
}

/** GET /v1/config: the limits the API validates with, read once. */
export function useTabConfig() {
  const api = useApi();
  return useQuery({
    queryKey: keys.config,
    queryFn: async () => toTabConfig(await api.getConfig()),
    staleTime: Infinity,
  });
}
