import { useQuery } from "@tanstack/react-query";

import type { TabConfig } from "../config";
import { keys } from "./use-image-generation";

/** Until the API serves /v1/config: the API's own defaults. */
export const FALLBACK_CONFIG: TabConfig = {
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

export function useTabConfig() {
  return useQuery({
    queryKey: keys.config,
    queryFn: async (): Promise<TabConfig> => FALLBACK_CONFIG,
    staleTime: Infinity,
  });
}
